/**
 * Address attribute values: MAPPED-ADDRESS (RFC 8489 section 14.1) and XOR-MAPPED-ADDRESS
 * (section 14.2), also the layout of ALTERNATE-SERVER (section 14.15).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         (X-)Port              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 (X-)Address (32 bits or 128 bits)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * X-Port is the port XOR the cookie's top 16 bits; X-Address is the address XOR the magic
 * cookie (IPv4) or XOR the cookie followed by the 96-bit transaction ID (IPv6).
 */
import { ADDRESS_FAMILY_IPV4, ADDRESS_FAMILY_IPV6, MAGIC_COOKIE } from './constants.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip.js';

/** An IP address and port, spelled like Node's `dgram` `rinfo`. */
export interface TransportAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  port: number;
}

/** Value length of an address attribute for a family (8 for IPv4, 20 for IPv6). */
export function addressValueLength(family: TransportAddress['family']): number {
  return family === 'IPv4' ? 8 : 20;
}

/**
 * Read an address value that the decoder has already checked (family byte and length agree).
 * `bytes` is the whole message: its bytes 4..19 (cookie, transaction ID) are the XOR pad.
 */
export function readAddress(bytes: Uint8Array, valueOffset: number, xor: boolean): TransportAddress {
  const family = bytes[valueOffset + 1];
  let port = (bytes[valueOffset + 2] << 8) | bytes[valueOffset + 3];
  if (xor) port ^= MAGIC_COOKIE >>> 16;
  const length = family === ADDRESS_FAMILY_IPV4 ? 4 : 16;
  const raw = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    // The XOR pad is the header bytes 4..19: the cookie, then the transaction ID.
    raw[i] = xor ? bytes[valueOffset + 4 + i] ^ bytes[4 + i] : bytes[valueOffset + 4 + i];
  }
  return family === ADDRESS_FAMILY_IPV4
    ? { family: 'IPv4', address: formatIpv4(raw), port }
    : { family: 'IPv6', address: formatIpv6(raw), port };
}

/** Check an address for encoding and return its raw bytes. Throws `RangeError` on a bad address or port. */
export function addressBytes(address: TransportAddress): Uint8Array {
  const raw = address.family === 'IPv4' ? parseIpv4(address.address) : address.family === 'IPv6' ? parseIpv6(address.address) : null;
  if (!raw) throw new RangeError(`not an ${address.family} address: ${address.address}`);
  if (!Number.isInteger(address.port) || address.port < 0 || address.port > 0xffff) throw new RangeError(`bad port ${address.port}`);
  return raw;
}

/**
 * Write an address value at `valueOffset` of `target` (a whole message whose bytes 4..19
 * already hold the cookie and transaction ID when `xor` is true). `raw` comes from `addressBytes`.
 */
export function writeAddress(target: Uint8Array, valueOffset: number, raw: Uint8Array, port: number, xor: boolean): void {
  const xport = xor ? port ^ (MAGIC_COOKIE >>> 16) : port;
  target[valueOffset] = 0;
  target[valueOffset + 1] = raw.length === 4 ? ADDRESS_FAMILY_IPV4 : ADDRESS_FAMILY_IPV6;
  target[valueOffset + 2] = xport >> 8;
  target[valueOffset + 3] = xport & 0xff;
  for (let i = 0; i < raw.length; i++) target[valueOffset + 4 + i] = xor ? raw[i] ^ target[4 + i] : raw[i];
}
