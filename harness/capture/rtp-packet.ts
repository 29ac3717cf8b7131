/**
 * Minimal RTP header reading and writing for the capture script (RFC 3550 section 5.1,
 * one-byte header extensions per RFC 8285 section 4.2). Capture-only; the project's RTP
 * module lives elsewhere.
 */

export interface RtpView {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** One-byte extension elements by id (empty when there is no 0xBEDE extension). */
  extensions: Map<number, Uint8Array>;
  payload: Uint8Array;
}

/** Parse an RTP packet; throws RangeError when the header does not fit. */
export function parseRtp(data: Uint8Array): RtpView {
  if (data.length < 12 || data[0] >> 6 !== 2) throw new RangeError('not an RTP packet');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const hasPadding = (data[0] & 0x20) !== 0;
  const hasExtension = (data[0] & 0x10) !== 0;
  const csrcCount = data[0] & 0x0f;
  let at = 12 + 4 * csrcCount;
  const extensions = new Map<number, Uint8Array>();
  if (hasExtension) {
    if (at + 4 > data.length) throw new RangeError('extension header past the end');
    const profile = view.getUint16(at);
    const words = view.getUint16(at + 2);
    const start = at + 4;
    const end = start + 4 * words;
    if (end > data.length) throw new RangeError('extension past the end');
    if (profile === 0xbede) {
      let p = start;
      while (p < end) {
        const b = data[p];
        if (b === 0) {
          p++;
          continue;
        }
        const id = b >> 4;
        const len = (b & 0x0f) + 1;
        if (id === 15) break;
        extensions.set(id, data.slice(p + 1, p + 1 + len));
        p += 1 + len;
      }
    }
    at = end;
  }
  let stop = data.length;
  if (hasPadding) stop -= data[data.length - 1];
  if (stop < at) throw new RangeError('padding past the header');
  return {
    marker: (data[1] & 0x80) !== 0,
    payloadType: data[1] & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    extensions,
    payload: data.subarray(at, stop),
  };
}

export interface RtpBuild {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** One-byte extension elements (RFC 8285 section 4.2), id 1..14, 1..16 bytes each. */
  extensions?: { id: number; value: Uint8Array }[];
  payload: Uint8Array;
}

/** Serialize an RTP packet with an optional one-byte-header extension block. */
export function buildRtp(fields: RtpBuild): Uint8Array {
  const elements = fields.extensions ?? [];
  const rawExtBytes = elements.reduce((n, e) => n + 1 + e.value.length, 0);
  const extWords = Math.ceil(rawExtBytes / 4);
  const extBytes = elements.length > 0 ? 4 + 4 * extWords : 0;
  const out = new Uint8Array(12 + extBytes + fields.payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | (elements.length > 0 ? 0x10 : 0);
  out[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  view.setUint16(2, fields.sequenceNumber & 0xffff);
  view.setUint32(4, fields.timestamp >>> 0);
  view.setUint32(8, fields.ssrc >>> 0);
  if (elements.length > 0) {
    view.setUint16(12, 0xbede);
    view.setUint16(14, extWords);
    let at = 16;
    for (const e of elements) {
      out[at] = (e.id << 4) | (e.value.length - 1);
      out.set(e.value, at + 1);
      at += 1 + e.value.length;
    }
  }
  out.set(fields.payload, 12 + extBytes);
  return out;
}

/** Extension values the replay writes. */
export function transportSequenceValue(seq: number): Uint8Array {
  return new Uint8Array([(seq >> 8) & 0xff, seq & 0xff]);
}

/** abs-send-time: 6.18 fixed-point seconds, 24 bits. */
export function absSendTimeValue(ms: number): Uint8Array {
  const v = Math.floor((ms * (1 << 18)) / 1000) & 0xffffff;
  return new Uint8Array([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
}
