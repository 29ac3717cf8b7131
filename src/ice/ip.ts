/**
 * IP address text <-> bytes, needed by STUN address attributes (RFC 8489 section 14.1-14.2)
 * and candidate addresses (RFC 8839 section 5.1). IPv6 text follows RFC 4291 section 2.2 on
 * input and the canonical form of RFC 5952 section 4 on output.
 */

/** Parse dotted-quad IPv4 text ("192.0.2.1") into 4 bytes, or null. No leading zeros beyond "0". */
export function parseIpv4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return null;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return null; // leading zero
      value = value * 10 + (c - 0x30);
      if (value > 255 || ++digits > 3) return null;
    } else return null;
  }
  return part === 4 ? out : null;
}

/** Parse IPv6 text (with "::" and an optional trailing dotted quad) into 16 bytes, or null. */
export function parseIpv6(text: string): Uint8Array | null {
  if (text.length < 2 || text.length > 45) return null;
  const out = new Uint8Array(16);
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return null;
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : text.slice(doubleColon + 2);
  const headBytes = parseGroups(head, doubleColon === -1 || tail === '');
  const tailBytes = doubleColon === -1 ? [] : parseGroups(tail, true);
  if (!headBytes || !tailBytes) return null;
  if (doubleColon === -1) {
    if (headBytes.length !== 16) return null;
  } else if (headBytes.length + tailBytes.length > 14) return null;
  out.set(headBytes, 0);
  out.set(tailBytes, 16 - tailBytes.length);
  return out;
}

/** Groups separated by ':'; the last may be a dotted quad when `allowV4Tail`. */
function parseGroups(text: string, allowV4Tail: boolean): number[] | null {
  if (text === '') return [];
  const groups = text.split(':');
  const bytes: number[] = [];
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    if (allowV4Tail && g === groups.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (!v4) return null;
      bytes.push(...v4);
      continue;
    }
    if (group.length === 0 || group.length > 4 || !/^[0-9a-fA-F]+$/.test(group)) return null;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

/** Parse either family; returns 4 or 16 bytes, or null. A zone ("%eth0") is not accepted. */
export function parseIp(text: string): Uint8Array | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Format 4 bytes (at `offset`) as dotted quad. */
export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/**
 * Format 16 bytes (at `offset`) in RFC 5952 canonical text: lowercase hex, no leading zeros,
 * the longest run of two or more zero groups (the first on a tie) replaced by "::".
 */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = (bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1];
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
