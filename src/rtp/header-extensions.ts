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

// The element `nextElement` found last. Module state instead of a returned object keeps
// lookups allocation-free (JavaScript here is single-threaded).
let elementId = 0;
let elementData = 0;
let elementLength = 0;

/**
 * Find the element starting at or after `i` in the block ending at `end`, skipping padding.
 * Sets elementId/elementData/elementLength and returns the offset after the element, or -1
 * when the block is over. Throws RtpParseError when the element overruns the block.
 *
 * One-byte form (RFC 8285 4.2): `ID(4) L(4)` then L+1 bytes; a zero byte is padding and
 * ID 15 stops processing. Two-byte form (4.3): `ID(8) L(8)` then L bytes; ID 0 is padding.
 */
function nextElement(bytes: Uint8Array, i: number, end: number, oneByte: boolean): number {
  while (i < end) {
    if (oneByte) {
      const b = bytes[i];
      const id = b >> 4;
      if (id === 0) {
        i++;
        continue;
      }
      if (id === 15) return -1;
      elementId = id;
      elementLength = (b & 0x0f) + 1;
      elementData = i + 1;
    } else {
      const id = bytes[i];
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 1 >= end) throw new RtpParseError(MESSAGES.rtpExtensionElementOverrun, i);
      elementId = id;
      elementLength = bytes[i + 1];
      elementData = i + 2;
    }
    if (elementData + elementLength > end) throw new RtpParseError(MESSAGES.rtpExtensionElementOverrun, i);
    return elementData + elementLength;
  }
  return -1;
}

/**
 * Visit every element of the block `bytes[start, end)`. Returns normally or throws
 * RtpParseError at the first element that overruns the block.
 */
export function walkExtensions(
  bytes: Uint8Array,
  start: number,
  end: number,
  form: ExtensionForm,
  visit?: (id: number, dataOffset: number, length: number) => void,
): void {
  if (form === 'other') return;
  for (let i = nextElement(bytes, start, end, form === 'one-byte'); i >= 0; i = nextElement(bytes, i, end, form === 'one-byte')) {
    visit?.(elementId, elementData, elementLength);
  }
}

/**
 * Locate element `id` without allocating: returns `dataOffset * 512 + length`, or -1.
 * (Lengths are at most 255, so the pair packs exactly into one number.) The block must
 * have been checked by walkExtensions.
 */
export function findExtension(bytes: Uint8Array, start: number, end: number, form: ExtensionForm, id: number): number {
  if (form === 'other') return -1;
  for (let i = nextElement(bytes, start, end, form === 'one-byte'); i >= 0; i = nextElement(bytes, i, end, form === 'one-byte')) {
    if (elementId === id) return elementData * 512 + elementLength;
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
