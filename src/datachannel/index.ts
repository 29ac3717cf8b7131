/**
 * `spellbook/datachannel`: WebRTC data channels (RFC 8831) over node-datachannel, with DCEP
 * reliability modes (RFC 8832), the SDP message size limit (RFC 8841) and backpressure.
 */
export {
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_LOW_WATER_MARK,
  DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
  MAX_RELIABILITY_PARAMETER,
} from './constants.js';
export {
  ChannelNotOpenError,
  ChannelOpenError,
  ChannelSendError,
  DataChannelError,
  InvalidChannelOptionError,
  MessageTooLargeError,
} from './errors.js';
export {
  channelType,
  reliabilityFromInit,
  RELIABLE_ORDERED,
  RELIABLE_UNORDERED,
  toNativeInit,
  validateReliability,
  type Reliability,
  type ReliabilityInit,
} from './reliability.js';
export { canTransition, type ChannelState } from './state.js';
export {
  Channel,
  messageSize,
  type BackpressureOptions,
  type ChannelEvents,
  type ChannelMessage,
  type ChannelOptions,
  type ChannelStats,
} from './channel.js';
export {
  createLoopbackPair,
  LoopbackPair,
  type ChannelPair,
  type LoopbackOptions,
  type LoopbackSide,
  type NativeChannelPair,
} from './loopback.js';
export { TypedEmitter, type Listener } from './emitter.js';
