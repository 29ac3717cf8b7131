/**
 * Reliability of a data channel as one discriminated option.
 *
 * RFC 8831 section 6.1 lists the modes a WebRTC data channel must support: reliable or
 * partially reliable, ordered or unordered, where partial reliability is limited either by a
 * number of retransmissions or by a lifetime, never both. RFC 8832 section 5.1 carries the
 * choice in the DATA_CHANNEL_OPEN message as a Channel Type byte plus a 32-bit Reliability
 * Parameter:
 *
 * | Channel Type                                    | value | parameter         |
 * |-------------------------------------------------|-------|-------------------|
 * | DATA_CHANNEL_RELIABLE                           | 0x00  | ignored           |
 * | DATA_CHANNEL_RELIABLE_UNORDERED                 | 0x80  | ignored           |
 * | DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT            | 0x01  | retransmissions   |
 * | DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED  | 0x81  | retransmissions   |
 * | DATA_CHANNEL_PARTIAL_RELIABLE_TIMED             | 0x02  | lifetime in ms    |
 * | DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED   | 0x82  | lifetime in ms    |
 */
import type { DataChannelInitConfig } from 'node-datachannel';
import { MAX_RELIABILITY_PARAMETER, MAX_STREAM_ID, Messages } from './constants.js';
import { InvalidChannelOptionError } from './errors.js';

/** One of the six channel types of RFC 8832 section 5.1, as a discriminated union. */
export type Reliability =
  /** Every message delivered once, in order (DATA_CHANNEL_RELIABLE). */
  | { readonly kind: 'reliable'; readonly ordered: true }
  /** Every message delivered once, in any order (DATA_CHANNEL_RELIABLE_UNORDERED). */
  | { readonly kind: 'reliable'; readonly ordered: false }
  /** A message is abandoned after this many retransmissions (PARTIAL_RELIABLE_REXMIT[_UNORDERED]). */
  | { readonly kind: 'max-retransmits'; readonly maxRetransmits: number; readonly ordered: boolean }
  /** A message is abandoned once it is this many milliseconds old (PARTIAL_RELIABLE_TIMED[_UNORDERED]). */
  | { readonly kind: 'max-packet-lifetime'; readonly maxPacketLifeTime: number; readonly ordered: boolean };

/** Reliable and ordered: the default, as for TCP. */
export const RELIABLE_ORDERED: Reliability = { kind: 'reliable', ordered: true };
/** Reliable, in any order. */
export const RELIABLE_UNORDERED: Reliability = { kind: 'reliable', ordered: false };

/** The W3C `RTCDataChannelInit` reliability fields, as untyped callers pass them. */
export interface ReliabilityInit {
  ordered?: boolean;
  maxRetransmits?: number | null;
  maxPacketLifeTime?: number | null;
}

/**
 * Turns W3C-style fields into a {@link Reliability}. Giving both `maxRetransmits` and
 * `maxPacketLifeTime` throws {@link InvalidChannelOptionError} (RFC 8831 section 6.1), as
 * does a value outside 0..65535 or not an integer.
 */
export function reliabilityFromInit(init: ReliabilityInit): Reliability {
  const ordered = init.ordered ?? true;
  const hasRexmit = init.maxRetransmits !== undefined && init.maxRetransmits !== null;
  const hasLifetime = init.maxPacketLifeTime !== undefined && init.maxPacketLifeTime !== null;
  if (hasRexmit && hasLifetime) throw new InvalidChannelOptionError('reliability', Messages.conflictingReliability);
  if (hasRexmit) return validateReliability({ kind: 'max-retransmits', maxRetransmits: init.maxRetransmits as number, ordered });
  if (hasLifetime)
    return validateReliability({ kind: 'max-packet-lifetime', maxPacketLifeTime: init.maxPacketLifeTime as number, ordered });
  return ordered ? RELIABLE_ORDERED : RELIABLE_UNORDERED;
}

/**
 * Checks a {@link Reliability} at run time (callers from plain JavaScript, or objects built
 * with casts, can hold both limits) and returns it unchanged.
 */
export function validateReliability(reliability: Reliability): Reliability {
  const r = reliability as { kind: unknown; ordered: unknown; maxRetransmits?: unknown; maxPacketLifeTime?: unknown };
  if (r.maxRetransmits !== undefined && r.maxPacketLifeTime !== undefined)
    throw new InvalidChannelOptionError('reliability', Messages.conflictingReliability);
  if (typeof r.ordered !== 'boolean') throw new InvalidChannelOptionError('ordered', `ordered must be a boolean, got ${String(r.ordered)}`);
  switch (r.kind) {
    case 'reliable':
      return reliability;
    case 'max-retransmits':
      checkParameter('maxRetransmits', r.maxRetransmits);
      return reliability;
    case 'max-packet-lifetime':
      checkParameter('maxPacketLifeTime', r.maxPacketLifeTime);
      return reliability;
    default:
      throw new InvalidChannelOptionError('reliability', `unknown reliability kind ${String(r.kind)}`);
  }
}

function checkParameter(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RELIABILITY_PARAMETER)
    throw new InvalidChannelOptionError(name, Messages.reliabilityRange(name, value));
}

/** Checks an out-of-band negotiated stream id (RFC 8831 section 6.5: 0..65534). */
export function validateStreamId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_STREAM_ID)
    throw new InvalidChannelOptionError('negotiated.id', Messages.streamIdRange(id));
  return id;
}

/** The RFC 8832 section 5.1 Channel Type byte for this reliability. */
export function channelType(reliability: Reliability): number {
  const unordered = reliability.ordered ? 0 : 0x80;
  switch (reliability.kind) {
    case 'reliable':
      return unordered;
    case 'max-retransmits':
      return unordered | 0x01;
    case 'max-packet-lifetime':
      return unordered | 0x02;
  }
}

/** node-datachannel's init fields for this reliability (it spells "ordered" as `unordered`). */
export function toNativeInit(reliability: Reliability): DataChannelInitConfig {
  const init: DataChannelInitConfig = { unordered: !reliability.ordered };
  if (reliability.kind === 'max-retransmits') init.maxRetransmits = reliability.maxRetransmits;
  if (reliability.kind === 'max-packet-lifetime') init.maxPacketLifeTime = reliability.maxPacketLifeTime;
  return init;
}
