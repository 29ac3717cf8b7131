/**
 * Readers for the value of each typed SDP line and attribute. Each takes a `Cursor` standing
 * at the start of the value and returns the typed view, throwing `SdpParseError` at the
 * offending column when a field required by the grammar is missing or not a number.
 */
import { PAYLOAD_TYPE_MAX, PORT_MAX, SSRC_MAX, EXTMAP_ID_MAX, PARSE_MESSAGES as M } from './constants.js';
import { Cursor, parseDecimal } from './scan.js';
import { SdpParseError } from './errors.js';
import type {
  Bandwidth,
  CandidateView,
  Connection,
  Direction,
  Extmap,
  Fingerprint,
  Group,
  Msid,
  Origin,
  RtcpAddress,
  RtcpFeedback,
  Rtpmap,
  SsrcAttribute,
  SsrcGroup,
  Timing,
} from './types.js';

/** RFC 4566/8866 timing fields and session ids are digits; 2^53 - 1 bounds what we convert. */
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
/** RFC 8839 section 5.1: component-id is 1*3DIGIT; priority is 1*10DIGIT (32-bit). */
const COMPONENT_MAX = 256;
const PRIORITY_MAX = 0xffffffff;

/** RFC 8866 section 5.2: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>. */
export function readOrigin(c: Cursor): Origin {
  return {
    line: c.line,
    username: c.token('o= username'),
    sessionId: c.digits('o= sess-id'),
    sessionVersion: c.digits('o= sess-version'),
    netType: c.token('o= nettype'),
    addrType: c.token('o= addrtype'),
    address: c.token('o= unicast-address'),
  };
}

/** RFC 8866 section 5.7: c=<nettype> <addrtype> <connection-address>. */
export function readConnection(c: Cursor): Connection {
  return {
    line: c.line,
    netType: c.token('c= nettype'),
    addrType: c.token('c= addrtype'),
    address: c.token('c= connection-address'),
  };
}

/** RFC 8866 section 5.8: b=<bwtype>:<bandwidth>. */
export function readBandwidth(c: Cursor): Bandwidth {
  const colon = c.text.indexOf(':', c.pos);
  if (colon === -1 || colon === c.pos) c.fail(M.badBandwidth);
  const type = c.text.slice(c.pos, colon);
  const value = parseDecimal(c.text.slice(colon + 1), 'bandwidth', SAFE_MAX, c.line, colon + 2 + c.columnBase);
  return { line: c.line, type, value };
}

/** RFC 8866 section 5.9: t=<start-time> <stop-time>. */
export function readTiming(c: Cursor): Timing {
  return { line: c.line, start: c.digits('t= start-time'), stop: c.digits('t= stop-time') };
}

/** The parts of an m= line (RFC 8866 section 5.14). */
export interface MediaLineFields {
  kind: string;
  port: number;
  numberOfPorts: number | undefined;
  protocol: string;
  formats: string[];
  /** The formats as numbers, for RTP protocols (every format must then be a payload type). */
  payloadTypes: number[];
}

/** True for RTP-based transport protocols (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ...). */
export function isRtpProtocol(protocol: string): boolean {
  return protocol.includes('RTP/');
}

/** RFC 8866 section 5.14: m=<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>). */
export function readMediaLine(c: Cursor): MediaLineFields {
  const kind = c.token('m= media type');
  c.skipSpaces();
  const portAt = c.pos;
  const portText = c.token('m= port');
  const slash = portText.indexOf('/');
  let port: number;
  let numberOfPorts: number | undefined;
  if (slash === -1) {
    port = parseDecimal(portText, 'm= port', PORT_MAX, c.line, portAt + 1 + c.columnBase);
  } else {
    port = parseDecimal(portText.slice(0, slash), 'm= port', PORT_MAX, c.line, portAt + 1 + c.columnBase);
    numberOfPorts = parseDecimal(portText.slice(slash + 1), 'm= number of ports', PORT_MAX, c.line, portAt + slash + 2 + c.columnBase);
  }
  const protocol = c.token('m= proto');
  const rtp = isRtpProtocol(protocol);
  const formats: string[] = [];
  const payloadTypes: number[] = [];
  c.skipSpaces();
  if (c.pos >= c.text.length) c.fail(M.missing('m= format'));
  while (!c.atEnd()) {
    const at = c.pos;
    const format = c.token('m= format');
    formats.push(format);
    if (rtp) payloadTypes.push(parseDecimal(format, 'payload type', PAYLOAD_TYPE_MAX, c.line, at + 1 + c.columnBase));
  }
  return { kind, port, numberOfPorts, protocol, formats, payloadTypes };
}

/** RFC 5888 section 5: group:<semantics> *(SP <identification-tag>). */
export function readGroup(c: Cursor): Group {
  const semantics = c.token('group semantics');
  const mids: string[] = [];
  while (!c.atEnd()) mids.push(c.token('mid'));
  return { line: c.line, semantics, mids };
}

/** RFC 8866 section 6.6: rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]. */
export function readRtpmap(c: Cursor): Rtpmap {
  const payloadType = c.uint('rtpmap payload type', PAYLOAD_TYPE_MAX);
  c.skipSpaces();
  const at = c.pos + 1 + c.columnBase;
  const encoding = c.token('encoding name');
  const s1 = encoding.indexOf('/');
  if (s1 <= 0) c.fail(M.expected('<encoding name>/<clock rate>'), at - 1 - c.columnBase);
  const s2 = encoding.indexOf('/', s1 + 1);
  const clockRate = parseDecimal(encoding.slice(s1 + 1, s2 === -1 ? encoding.length : s2), 'clock rate', SSRC_MAX, c.line, at + s1 + 1);
  const channels = s2 === -1 ? undefined : parseDecimal(encoding.slice(s2 + 1), 'encoding parameters', PORT_MAX, c.line, at + s2 + 1);
  return { line: c.line, payloadType, encodingName: encoding.slice(0, s1), clockRate, channels };
}

/** RFC 4585 section 4.2: rtcp-fb:<payload type or *> <type> [<parameters>]. */
export function readRtcpFeedback(c: Cursor): RtcpFeedback {
  c.skipSpaces();
  const at = c.pos;
  const ptText = c.token('rtcp-fb payload type');
  const payloadType = ptText === '*' ? '*' : parseDecimal(ptText, 'rtcp-fb payload type', PAYLOAD_TYPE_MAX, c.line, at + 1 + c.columnBase);
  const type = c.token('rtcp-fb type');
  const subtype = c.atEnd() ? undefined : c.rest();
  return { line: c.line, payloadType, type, subtype };
}

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

export function isDirection(name: string): name is Direction {
  return DIRECTIONS.has(name);
}

/** RFC 8285 section 5: extmap:<value>["/"<direction>] <URI> <extensionattributes>. */
export function readExtmap(c: Cursor): Extmap {
  c.skipSpaces();
  const at = c.pos + 1 + c.columnBase;
  const head = c.token('extmap id');
  const slash = head.indexOf('/');
  const id = parseDecimal(slash === -1 ? head : head.slice(0, slash), 'extmap id', EXTMAP_ID_MAX, c.line, at);
  let direction: Direction | undefined;
  if (slash !== -1) {
    const dir = head.slice(slash + 1);
    if (!isDirection(dir)) throw new SdpParseError(M.expected('sendrecv, sendonly, recvonly or inactive'), c.line, at + slash + 1);
    direction = dir;
  }
  const uri = c.token('extmap URI');
  const attributes = c.atEnd() ? undefined : c.rest();
  return { line: c.line, id, direction, uri, attributes };
}

/** RFC 5576 section 4.1: ssrc:<ssrc-id> <attribute>[:<value>]. */
export function readSsrc(c: Cursor): SsrcAttribute {
  const ssrc = c.uint('ssrc', SSRC_MAX);
  c.skipSpaces();
  if (c.pos >= c.text.length) c.fail(M.missing('ssrc attribute'));
  const rest = c.rest();
  const colon = rest.indexOf(':');
  return colon === -1
    ? { line: c.line, ssrc, attribute: rest, value: undefined }
    : { line: c.line, ssrc, attribute: rest.slice(0, colon), value: rest.slice(colon + 1) };
}

/** RFC 5576 section 4.2: ssrc-group:<semantics> *(SP <ssrc-id>). */
export function readSsrcGroup(c: Cursor): SsrcGroup {
  const semantics = c.token('ssrc-group semantics');
  const ssrcs: number[] = [];
  while (!c.atEnd()) ssrcs.push(c.uint('ssrc', SSRC_MAX));
  return { line: c.line, semantics, ssrcs };
}

/** RFC 8830 section 2: msid:<msid-id> [<msid-appdata>]. */
export function readMsid(c: Cursor): Msid {
  const streamId = c.token('msid id');
  return { line: c.line, streamId, trackId: c.optionalToken() };
}

/** RFC 8122 section 5: fingerprint:<hash-func> <fingerprint>. */
export function readFingerprint(c: Cursor): Fingerprint {
  return { line: c.line, algorithm: c.token('fingerprint hash function'), value: c.token('fingerprint') };
}

/**
 * RFC 8839 section 5.1: candidate:<foundation> <component-id> <transport> <priority>
 * <connection-address> <port> typ <cand-type> ... Only these fields are typed here.
 */
export function readCandidate(c: Cursor): CandidateView {
  c.skipSpaces();
  const value = c.text.slice(c.pos);
  const foundation = c.token('candidate foundation');
  const component = c.uint('candidate component-id', COMPONENT_MAX);
  const transport = c.token('candidate transport');
  const priority = c.uint('candidate priority', PRIORITY_MAX);
  const address = c.token('candidate connection-address');
  const port = c.uint('candidate port', PORT_MAX);
  c.skipSpaces();
  const typAt = c.pos;
  if (c.token('"typ"') !== 'typ') c.fail(M.expected('"typ"'), typAt);
  const type = c.token('candidate type');
  return { line: c.line, value, foundation, component, transport, priority, address, port, type };
}

/** RFC 3605 section 2.1: rtcp:<port> [<nettype> <addrtype> <connection-address>]. */
export function readRtcp(c: Cursor): RtcpAddress {
  const port = c.uint('rtcp port', PORT_MAX);
  const netType = c.optionalToken();
  const addrType = netType === undefined ? undefined : c.token('rtcp addrtype');
  const address = netType === undefined ? undefined : c.token('rtcp connection-address');
  return { line: c.line, port, netType, addrType, address };
}

/**
 * RFC 8839 section 5.6: ice-options:<ice-option-tag> *(SP <ice-option-tag>). Commas are also
 * accepted as separators because libdatachannel writes `ice2,trickle`.
 */
export function readIceOptions(c: Cursor): string[] {
  const out: string[] = [];
  for (const part of c.rest().split(/[ ,]+/)) if (part) out.push(part);
  return out;
}

