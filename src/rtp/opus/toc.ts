/**
 * The Opus table-of-contents byte (RFC 6716 3.1) and frame count byte (3.2.5), read to
 * know how much audio a packet holds.
 *
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |
 * +-+-+-+-+-+-+-+-+
 * ```
 */
import { OPUS_CONFIG_SAMPLES, OPUS_DTX_MAX_BYTES } from '../constants.js';

/**
 * Samples at 48 kHz the Opus packet decodes to, or -1 when the packet is malformed
 * (empty, code 3 without its frame count byte, zero frames, or over 120 ms, 3.2.5).
 */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) return -1;
  const toc = packet[0];
  const perFrame = OPUS_CONFIG_SAMPLES[toc >> 3];
  let frames: number;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (packet.length < 2) return -1;
      frames = packet[1] & 0x3f;
      if (frames === 0) return -1;
  }
  const samples = frames * perFrame;
  return samples > 5760 ? -1 : samples; // 120 ms at 48 kHz
}

/** True for a packet that carries no audio, only the TOC (DTX, RFC 7587 3.1.3). */
export function isOpusDtx(packet: Uint8Array): boolean {
  return packet.length <= OPUS_DTX_MAX_BYTES;
}
