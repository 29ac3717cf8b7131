/**
 * Channel states and the transitions allowed between them, after the W3C
 * `RTCDataChannelState` values. RFC 8831 section 6.7 closes a channel by resetting its SCTP
 * stream; node-datachannel reports only the end of that (`onClosed`), so a close from either
 * side is reported as `closing` then `closed`.
 */
export type ChannelState = 'connecting' | 'open' | 'closing' | 'closed';

const NEXT: Record<ChannelState, readonly ChannelState[]> = {
  connecting: ['open', 'closing', 'closed'],
  open: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/** Whether `from -> to` is a legal transition. States only move forward. */
export function canTransition(from: ChannelState, to: ChannelState): boolean {
  return NEXT[from].includes(to);
}
