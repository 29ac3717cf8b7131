/**
 * The browser entry of remote execution: what a page needs to be a caller with its own
 * RTCPeerConnection (its microphone or a WebAudio track on the Opus track, frames and control
 * on the `remote` data channel): the wire codec, the signaling client, and the protocol's
 * names. Bundle this file for a page (harness/pages/browser-bundle.ts).
 */
export { SignalingClient } from '../signaling/index.js';
export { encodeMessage, decodeMessage, chunkMessage, WireReader, type ControlMessage, type FrameMessage, type WireMessage, type SessionStats } from './wire.js';
export { DEFAULTS, PROTOCOL } from './constants.js';
