/**
 * Candidate priority (RFC 8445 section 5.1.2), foundation (section 5.1.1.3) and candidate
 * pair priority (section 6.1.2.3).
 */
import { DEFAULT_LOCAL_PREFERENCE, MAX_COMPONENT_ID, TYPE_PREFERENCE } from './constants.js';
import type { CandidateType } from './candidate.js';
import { crc32 } from './crc32.js';

export interface PriorityInput {
  type: CandidateType;
  /** 1..256. */
  component: number;
  /** 0..65535; default 65535 (a single-homed agent, section 5.1.2.1). */
  localPreference?: number;
  /** 0..126; default from the candidate type (section 5.1.2.2: host 126, prflx 110, srflx 100, relay 0). */
  typePreference?: number;
}

/**
 * priority = 2^24 x type preference + 2^8 x local preference + (256 - component ID)
 * (RFC 8445 section 5.1.2.1). Throws `RangeError` when an input is out of range.
 */
export function computePriority(input: PriorityInput): number {
  const typePreference = input.typePreference ?? TYPE_PREFERENCE[input.type];
  const localPreference = input.localPreference ?? DEFAULT_LOCAL_PREFERENCE;
  if (!Number.isInteger(typePreference) || typePreference < 0 || typePreference > 126) throw new RangeError(`type preference must be 0..126, got ${typePreference}`);
  if (!Number.isInteger(localPreference) || localPreference < 0 || localPreference > 65535) throw new RangeError(`local preference must be 0..65535, got ${localPreference}`);
  if (!Number.isInteger(input.component) || input.component < 1 || input.component > MAX_COMPONENT_ID) throw new RangeError(`component ID must be 1..256, got ${input.component}`);
  return typePreference * 0x1000000 + localPreference * 0x100 + (256 - input.component);
}

export interface FoundationInput {
  type: CandidateType;
  /** IP address of the candidate's base. */
  baseAddress: string;
  /** "udp" or "tcp" (compared case-insensitively). */
  transport: string;
  /** IP address of the STUN or TURN server the candidate came from (srflx, relay). */
  serverAddress?: string;
}

/**
 * A foundation that is equal for two candidates exactly when they have the same type, base IP
 * address, transport protocol and STUN/TURN server address (RFC 8445 section 5.1.1.3): the
 * decimal CRC-32 of those four fields (at most 10 ice-chars).
 */
export function computeFoundation(input: FoundationInput): string {
  const key = `${input.type}\n${input.baseAddress.toLowerCase()}\n${input.transport.toLowerCase()}\n${(input.serverAddress ?? '').toLowerCase()}`;
  return crc32(new TextEncoder().encode(key)).toString();
}

/**
 * Candidate pair priority (RFC 8445 section 6.1.2.3):
 * 2^32 x MIN(G, D) + 2 x MAX(G, D) + (G > D ? 1 : 0), where G is the priority of the
 * controlling agent's candidate and D the controlled agent's. Exact, as a BigInt (the result
 * exceeds 2^53, where `number` arithmetic would round).
 */
export function computePairPriority(controllingPriority: number, controlledPriority: number): bigint {
  for (const p of [controllingPriority, controlledPriority]) {
    if (!Number.isInteger(p) || p < 0 || p > 0xffffffff) throw new RangeError(`candidate priority must be a 32-bit unsigned integer, got ${p}`);
  }
  const g = BigInt(controllingPriority);
  const d = BigInt(controlledPriority);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}

/** Pair priority from one agent's point of view: it knows its own role and both priorities. */
export function pairPriorityFor(role: 'controlling' | 'controlled', localPriority: number, remotePriority: number): bigint {
  return role === 'controlling' ? computePairPriority(localPriority, remotePriority) : computePairPriority(remotePriority, localPriority);
}
