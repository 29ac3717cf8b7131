/**
 * The ICE `candidate` attribute (RFC 8839 section 5.1):
 *
 * ```
 * candidate-attribute   = "candidate" ":" foundation SP component-id SP
 *                         transport SP priority SP
 *                         connection-address SP port SP cand-type
 *                         [SP rel-addr] [SP rel-port]
 *                         *(SP cand-extension)
 * foundation            = 1*32ice-char
 * component-id          = 1*3DIGIT
 * transport             = "UDP" / transport-extension
 * priority              = 1*10DIGIT
 * cand-type             = "typ" SP candidate-types
 * candidate-types       = "host" / "srflx" / "prflx" / "relay" / token
 * rel-addr              = "raddr" SP connection-address
 * rel-port              = "rport" SP port
 * cand-extension        = extension-att-name SP extension-att-value
 * ice-char              = ALPHA / DIGIT / "+" / "/"
 * ```
 * plus `tcptype` (RFC 6544 section 4.5) and the extensions browsers send: `generation`,
 * `ufrag`, `network-id`, `network-cost`. Unknown extension pairs are kept in order.
 */
import { CANDIDATE_MESSAGES as M, KNOWN_CANDIDATE_EXTENSIONS, MAX_COMPONENT_ID, MAX_FOUNDATION_LENGTH, MAX_PRIORITY } from './constants.js';
import { CandidateParseError } from './errors.js';
import { parseIpv4, parseIpv6 } from './ip.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type TcpType = 'active' | 'passive' | 'so';

/** One `name value` pair after the candidate type and related address. */
export interface CandidateExtension {
  name: string;
  value: string;
}

export interface IceCandidate {
  /** 1 to 32 ice-chars (RFC 8445 section 5.1.1.3). */
  foundation: string;
  /** 1 = RTP (or the only component), 2 = RTCP. */
  component: number;
  /** As written ("udp", "UDP", "tcp"); compare case-insensitively. */
  transport: string;
  priority: number;
  /** IPv4, IPv6 (as written) or a hostname such as an mDNS `<uuid>.local` name (RFC 8839 section 5.1). */
  address: string;
  port: number;
  type: CandidateType;
  /** `raddr`: the base (srflx/prflx) or mapped address (relay). */
  relatedAddress?: string;
  /** `rport`. */
  relatedPort?: number;
  /** RFC 6544 `tcptype`. */
  tcpType?: TcpType;
  /** `generation` (browsers): ICE generation, bumped on restart. */
  generation?: number;
  /** `ufrag` (browsers): the ICE username fragment this candidate belongs to. */
  ufrag?: string;
  /** `network-id` (Chrome). */
  networkId?: number;
  /** `network-cost` (Chrome). */
  networkCost?: number;
  /**
   * Every extension pair in wire order, known ones included, values as written. When
   * serializing, a known name takes its typed field's value (and is dropped if that field is
   * undefined); known typed fields missing from this list are appended in the order
   * tcptype, generation, ufrag, network-id, network-cost.
   */
  extensions?: CandidateExtension[];
}

export interface SerializeCandidateOptions {
  /** Text before the foundation. Default "candidate:"; "a=candidate:" gives an SDP line. */
  prefix?: 'candidate:' | 'a=candidate:' | '';
}

const ICE_CHAR = /^[A-Za-z0-9+/]+$/;
const DIGITS = /^[0-9]+$/;
/** RFC 4566 token characters. */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
/** RFC 4566 FQDN = 4*(alpha-numeric / "-" / "."). */
const FQDN = /^[A-Za-z0-9.-]{4,}$/;
/** RFC 4566 byte-string excludes NUL, CR and LF. */
const BYTE_STRING_FORBIDDEN = /[\0\r\n]/;
const TYPES: ReadonlySet<string> = new Set(['host', 'srflx', 'prflx', 'relay']);
const TCP_TYPES: ReadonlySet<string> = new Set(['active', 'passive', 'so']);

interface Token {
  text: string;
  /** 1-based column in the caller's string. */
  column: number;
}

function tokenize(input: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let at = start;
  while (at <= end) {
    let next = input.indexOf(' ', at);
    if (next === -1 || next > end) next = end;
    if (next === at) throw new CandidateParseError(at === end ? M.unexpectedEnd : M.unexpectedSpace, at + 1);
    tokens.push({ text: input.slice(at, next), column: at + 1 });
    at = next + 1;
  }
  return tokens;
}

function tokenAt(tokens: Token[], i: number, what: string, end: number): Token {
  if (i >= tokens.length) throw new CandidateParseError(M.missing(what), end + 1);
  return tokens[i];
}

function parseNumber(token: Token, what: string, max: number, maxDigits: number): number {
  if (!DIGITS.test(token.text) || token.text.length > maxDigits) throw new CandidateParseError(M.notDigits(what, maxDigits, token.text), token.column);
  const value = Number(token.text);
  if (value > max) throw new CandidateParseError(M.tooLarge(what, value, max), token.column);
  return value;
}

function parseAddress(token: Token, what: string): string {
  const text = token.text;
  const ok = text.includes(':') ? parseIpv6(text) !== null : /^[0-9.]+$/.test(text) ? parseIpv4(text) !== null : FQDN.test(text);
  if (!ok) throw new CandidateParseError(M.badAddress(what, text), token.column);
  return text;
}

/**
 * Parse one candidate, with or without the `a=` and `candidate:` prefixes (a trailing CRLF or
 * LF is ignored). Throws `CandidateParseError` with the 1-based column (in UTF-16 code units
 * of `input`) of the offending token.
 */
export function parseCandidate(input: string): IceCandidate {
  let start = 0;
  let end = input.length;
  if (input.endsWith('\r\n')) end -= 2;
  else if (input.endsWith('\n') || input.endsWith('\r')) end -= 1;
  if (input.startsWith('a=')) start = 2;
  if (input.startsWith('candidate:', start)) start += 'candidate:'.length;
  else if (start === 2) throw new CandidateParseError(M.noCandidatePrefix, 3);
  if (start >= end) throw new CandidateParseError(M.empty, start + 1);
  const t = tokenize(input, start, end);

  const f = tokenAt(t, 0, 'foundation', end);
  if (f.text.length > MAX_FOUNDATION_LENGTH || !ICE_CHAR.test(f.text)) {
    throw new CandidateParseError(M.badFoundation(f.text), f.column);
  }
  const componentToken = tokenAt(t, 1, 'component ID', end);
  const component = parseNumber(componentToken, 'component ID', MAX_COMPONENT_ID, 3);
  if (component === 0) throw new CandidateParseError(M.zeroComponent, componentToken.column);
  const transport = tokenAt(t, 2, 'transport', end);
  if (!TOKEN.test(transport.text)) throw new CandidateParseError(M.badTransport(transport.text), transport.column);
  const priority = parseNumber(tokenAt(t, 3, 'priority', end), 'priority', MAX_PRIORITY, 10);
  const address = parseAddress(tokenAt(t, 4, 'connection address', end), 'connection address');
  const port = parseNumber(tokenAt(t, 5, 'port', end), 'port', 0xffff, 5);
  const typ = tokenAt(t, 6, '"typ"', end);
  if (typ.text !== 'typ') throw new CandidateParseError(M.expectedTyp(typ.text), typ.column);
  const typeToken = tokenAt(t, 7, 'candidate type', end);
  if (!TYPES.has(typeToken.text)) throw new CandidateParseError(M.badType(typeToken.text), typeToken.column);

  const candidate: IceCandidate = {
    foundation: f.text,
    component,
    transport: transport.text,
    priority,
    address,
    port,
    type: typeToken.text as CandidateType,
  };
  let i = 8;
  if (i < t.length && t[i].text === 'raddr') {
    candidate.relatedAddress = parseAddress(tokenAt(t, i + 1, 'related address', end), 'related address');
    i += 2;
  }
  if (i < t.length && t[i].text === 'rport') {
    candidate.relatedPort = parseNumber(tokenAt(t, i + 1, 'related port', end), 'related port', 0xffff, 5);
    i += 2;
  }
  const extensions: CandidateExtension[] = [];
  for (; i < t.length; i += 2) {
    const name = t[i];
    const value = t[i + 1];
    if (!value) throw new CandidateParseError(M.noValue(name.text), end + 1);
    for (const token of [name, value]) {
      const bad = BYTE_STRING_FORBIDDEN.exec(token.text);
      if (bad) throw new CandidateParseError(M.forbiddenByte, token.column + bad.index);
    }
    extensions.push({ name: name.text, value: value.text });
    switch (name.text) {
      case 'tcptype':
        if (!TCP_TYPES.has(value.text)) throw new CandidateParseError(M.badTcpType(value.text), value.column);
        candidate.tcpType = value.text as TcpType;
        break;
      case 'generation':
        candidate.generation = parseNumber(value, 'generation', 0xffffffff, 10);
        break;
      case 'ufrag':
        if (!ICE_CHAR.test(value.text)) throw new CandidateParseError(M.badUfrag(value.text), value.column);
        candidate.ufrag = value.text;
        break;
      case 'network-id':
        candidate.networkId = parseNumber(value, 'network-id', 0xffffffff, 10);
        break;
      case 'network-cost':
        candidate.networkCost = parseNumber(value, 'network-cost', 0xffffffff, 10);
        break;
      case 'raddr':
      case 'rport':
        throw new CandidateParseError(M.outOfPlace(name.text), name.column);
    }
  }
  if (extensions.length) candidate.extensions = extensions;
  return candidate;
}

type KnownExtension = (typeof KNOWN_CANDIDATE_EXTENSIONS)[number];

function knownValue(c: IceCandidate, name: KnownExtension): string | undefined {
  switch (name) {
    case 'tcptype':
      return c.tcpType;
    case 'generation':
      return c.generation?.toString();
    case 'ufrag':
      return c.ufrag;
    case 'network-id':
      return c.networkId?.toString();
    case 'network-cost':
      return c.networkCost?.toString();
  }
}

const KNOWN: ReadonlySet<string> = new Set(KNOWN_CANDIDATE_EXTENSIONS);

/**
 * Serialize a candidate (RFC 8839 section 5.1). Parsing real browser candidates and serializing
 * them gives the same bytes back (numbers are written in plain decimal).
 */
export function serializeCandidate(c: IceCandidate, options: SerializeCandidateOptions = {}): string {
  const parts = [`${options.prefix ?? 'candidate:'}${c.foundation}`, c.component, c.transport, c.priority, c.address, c.port, 'typ', c.type];
  if (c.relatedAddress !== undefined) parts.push('raddr', c.relatedAddress);
  if (c.relatedPort !== undefined) parts.push('rport', c.relatedPort);
  const written = new Set<string>();
  for (const e of c.extensions ?? []) {
    if (KNOWN.has(e.name)) {
      const value = knownValue(c, e.name as KnownExtension);
      if (value === undefined || written.has(e.name)) continue;
      written.add(e.name);
      parts.push(e.name, value);
    } else parts.push(e.name, e.value);
  }
  for (const name of KNOWN_CANDIDATE_EXTENSIONS) {
    if (written.has(name)) continue;
    const value = knownValue(c, name);
    if (value !== undefined) parts.push(name, value);
  }
  return parts.join(' ');
}
