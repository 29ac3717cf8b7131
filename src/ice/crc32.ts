/**
 * CRC-32 as used by STUN FINGERPRINT (RFC 8489 section 14.7, which points to the CRC of
 * ITU-T V.42 / ISO 3309: reflected polynomial 0xEDB88320, initial value and final XOR
 * 0xFFFFFFFF). Table-driven, one byte per step.
 */

const TABLE = /* @__PURE__ */ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continue a CRC-32 over `bytes[start..end)`; pass the previous result as `crc` to chain. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
