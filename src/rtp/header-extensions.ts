/**
 * RTP header extension elements (RFC 8285): the one-byte form (4.2) and the two-byte form
 * (4.3), found inside the RFC 3550 5.3.1 extension block. These helpers work on offsets into
 * the packet bytes so that lookups allocate nothing.
 */
import {
  MESSAGES,
  ONE_BYTE_MAX_ID,
  ONE_BYTE_MAX_LENGTH,
  ONE_BYTE_PROFILE,
  TWO_BYTE_MAX_ID,
  TWO_BYTE_MAX_LENGTH,
  TWO_BYTE_PROFILE,
  TWO_BYTE_PROFILE_MASK,
} from './constants.js';
import { RtpParseError } from './errors.js';

/** Which element syntax an extension block uses. `other` blocks are opaque (RFC 3550 5.3.1). */
export type ExtensionForm = 'one-byte' | 'two-byte' | 'other';

export function extensionFormOf(profile: number): ExtensionForm {
  if (profile === ONE_BYTE_PROFILE) return 'one-byte';
  if ((profile & TWO_BYTE_PROFILE_MASK) === TWO_BYTE_PROFILE) return 'two-byte';
  return 'other';
}

/** One header extension element: local identifier and value. */
export interface HeaderExtension {
  id: number;
  data: Uint8Array;
}

/**
 * Visit every element of the block `bytes[start, end)`. Returns normally or throws
 * RtpParseError at the first element that overruns the block. `visit` returning `true` stops.
 *
 * One-byte form (RFC 8285 4.2): `ID(4) L(4)` then L+1 bytes; a zero byte is padding and
 * ID 15 stops processing. Two-byte form (4.3): `ID(8) L(8)` then L bytes; ID 0 is padding.
 */
export function walkExtensions(
  bytes: Uint8Array,
  start: number,
  end: number,
  form: ExtensionForm,
  visit?: (id: number, dataOffset: number, length: number) => boolean | void,
): void {
  if (form === 'other') return;
  let i = start;
  while (i < end) {
    let id: number;
    let length: number;
    let data: number;
    if (form === 'one-byte') {
      const b = bytes[i];
      id = b >> 4;
      if (id === 0) {
        i++;
        continue;
      }
      if (id === 15) return;
      length = (b & 0x0f) + 1;
      data = i + 1;
    } else {
      id = bytes[i];
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 1 >= end) throw new RtpParseError(MESSAGES.rtpExtensionElementOverrun, i);
      length = bytes[i + 1];
      data = i + 2;
    }
    if (data + length > end) throw new RtpParseError(MESSAGES.rtpExtensionElementOverrun, i);
    if (visit && visit(id, data, length) === true) return;
    i = data + length;
  }
}

/**
 * Locate element `id` without allocating: returns `dataOffset * 512 + length`, or -1.
 * (Lengths are at most 255, so the pair packs exactly into one number.)
 */
export function findExtension(bytes: Uint8Array, start: number, end: number, form: ExtensionForm, id: number): number {
  if (form === 'other') return -1;
  let i = start;
  while (i < end) {
    let elementId: number;
    let length: number;
    let data: number;
    if (form === 'one-byte') {
      const b = bytes[i];
      elementId = b >> 4;
      if (elementId === 0) {
        i++;
        continue;
      }
      if (elementId === 15) return -1;
      length = (b & 0x0f) + 1;
      data = i + 1;
    } else {
      elementId = bytes[i];
      if (elementId === 0) {
        i++;
        continue;
      }
      length = bytes[i + 1];
      data = i + 2;
    }
    if (elementId === id) return data * 512 + length;
    i = data + length;
  }
  return -1;
}

/** The form that can carry all of `extensions`: one-byte when every id and length allow it. */
export function chooseExtensionForm(extensions: readonly HeaderExtension[]): 'one-byte' | 'two-byte' {
  for (const e of extensions) {
    if (e.id > ONE_BYTE_MAX_ID || e.data.length === 0 || e.data.length > ONE_BYTE_MAX_LENGTH) return 'two-byte';
  }
  return 'one-byte';
}

/** Check an element can be written in `form`; throws RangeError otherwise (a caller bug). */
export function checkExtension(id: number, length: number, form: 'one-byte' | 'two-byte'): void {
  const maxId = form === 'one-byte' ? ONE_BYTE_MAX_ID : TWO_BYTE_MAX_ID;
  if (!Number.isInteger(id) || id < 1 || id > maxId) throw new RangeError(`${MESSAGES.extensionIdRange}: ${id}`);
  const ok = form === 'one-byte' ? length >= 1 && length <= ONE_BYTE_MAX_LENGTH : length <= TWO_BYTE_MAX_LENGTH;
  if (!ok) throw new RangeError(`${MESSAGES.extensionLength}: ${length} bytes`);
}

/** Bytes the elements take in `form`, before padding the block to a multiple of 4. */
export function extensionElementsSize(extensions: readonly HeaderExtension[], form: 'one-byte' | 'two-byte'): number {
  let size = 0;
  const perElement = form === 'one-byte' ? 1 : 2;
  for (const e of extensions) size += perElement + e.data.length;
  return size;
}

/**
 * Write the whole extension block (RFC 3550 5.3.1 header, then the elements, then zero
 * padding to 32 bits) at `at`. Returns the bytes written.
 */
export function writeExtensionBlock(
  target: Uint8Array,
  at: number,
  extensions: readonly HeaderExtension[],
  form: 'one-byte' | 'two-byte',
  appBits = 0,
): number {
  const elements = extensionElementsSize(extensions, form);
  const words = (elements + 3) >>> 2;
  const profile = form === 'one-byte' ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE | (appBits & 0x0f);
  target[at] = profile >>> 8;
  target[at + 1] = profile;
  target[at + 2] = words >>> 8;
  target[at + 3] = words;
  let i = at + 4;
  for (const e of extensions) {
    checkExtension(e.id, e.data.length, form);
    if (form === 'one-byte') {
      target[i++] = (e.id << 4) | (e.data.length - 1);
    } else {
      target[i++] = e.id;
      target[i++] = e.data.length;
    }
    target.set(e.data, i);
    i += e.data.length;
  }
  const end = at + 4 + words * 4;
  target.fill(0, i, end);
  return end - at;
}
