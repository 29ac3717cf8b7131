/**
 * Media direction in offer/answer (RFC 3264 section 6.1, RFC 8829 section 5.3.1).
 */
import type { Direction } from './types.js';

export function sends(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function receives(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

export function directionFrom(send: boolean, receive: boolean): Direction {
  return send ? (receive ? 'sendrecv' : 'sendonly') : receive ? 'recvonly' : 'inactive';
}

/** The same stream seen from the other side: sendonly and recvonly swap. */
export function reverseDirection(direction: Direction): Direction {
  return directionFrom(receives(direction), sends(direction));
}

/**
 * The answer's direction for an offered direction and the answerer's own (transceiver)
 * direction, RFC 8829 section 5.3.1 and RFC 3264 section 6.1: the answerer may send only if the
 * offerer receives, and may receive only if the offerer sends. So sendrecv may be answered with
 * any direction, sendonly with recvonly or inactive, recvonly with sendonly or inactive, and
 * inactive only with inactive.
 */
export function answerDirection(offered: Direction, local: Direction): Direction {
  return directionFrom(sends(local) && receives(offered), receives(local) && sends(offered));
}
