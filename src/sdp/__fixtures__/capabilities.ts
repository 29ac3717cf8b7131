/**
 * Local capabilities shared by the SDP tests and fuzz targets: what a typical WebRTC endpoint
 * (like Chrome) can receive. Not part of the public API.
 */
import type { AnswerOptions, CodecCapability } from '../index.js';

/** rtcp-fb libwebrtc supports for video codecs. */
export const VIDEO_FEEDBACK = ['nack', 'nack pli', 'ccm fir', 'goog-remb', 'transport-cc'];

/** Constrained Baseline level 3.1, packetization-mode 1, level asymmetry allowed, with RTX. */
export const H264_CONSTRAINED_BASELINE: CodecCapability = {
  name: 'H264',
  clockRate: 90000,
  parameters: { 'level-asymmetry-allowed': '1', 'packetization-mode': '1', 'profile-level-id': '42e01f' },
  feedback: VIDEO_FEEDBACK,
  rtx: true,
};

export const VP8: CodecCapability = { name: 'VP8', clockRate: 90000, feedback: VIDEO_FEEDBACK, rtx: true };

export const OPUS: CodecCapability = { name: 'opus', clockRate: 48000, channels: 2, feedback: ['transport-cc'] };

/** A syntactically valid SHA-256 fingerprint (32 bytes) that belongs to no certificate. */
export const TEST_FINGERPRINT = { algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => (i * 5 + 16).toString(16).toUpperCase()).join(':') };

/** ICE credentials and fingerprint valid per RFC 8839 and RFC 8122. */
export const TEST_TRANSPORT: Pick<AnswerOptions, 'iceUfrag' | 'icePwd' | 'fingerprint'> = {
  iceUfrag: 'SpBk',
  icePwd: 'spellbookIcePassword0123',
  fingerprint: TEST_FINGERPRINT,
};
