/**
 * Typed views of SDP lines. Every view carries `line`, the 1-based line number it was read
 * from (0 for a line created through the API), so validation can point at it.
 */

/** RFC 8866 section 6.7: media direction attributes. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** RFC 4145 section 4 / RFC 8842: DTLS role attribute values. */
export type SetupRole = 'actpass' | 'active' | 'passive' | 'holdconn';

/** Line terminators the parser keeps. */
export type LineEnding = '\r\n' | '\n';

/** RFC 8866 section 5.2: `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>`. */
export interface Origin {
  readonly line: number;
  readonly username: string;
  /** Decimal digits; kept as text because browsers use values above 2^53. */
  readonly sessionId: string;
  /** Decimal digits; kept as text for the same reason. */
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

/** RFC 8866 section 5.7: `c=<nettype> <addrtype> <connection-address>`. */
export interface Connection {
  readonly line: number;
  readonly netType: string;
  readonly addrType: string;
  /** The address as written, with any `/ttl/count` suffix. */
  readonly address: string;
}

/** RFC 8866 section 5.8: `b=<bwtype>:<bandwidth>` (AS in kbit/s, TIAS in bit/s per RFC 3890). */
export interface Bandwidth {
  readonly line: number;
  readonly type: string;
  readonly value: number;
}

/** RFC 8866 section 5.9: `t=<start-time> <stop-time>` (decimal text, NTP seconds). */
export interface Timing {
  readonly line: number;
  readonly start: string;
  readonly stop: string;
}

/** A generic `a=` line: every attribute, known or not, is listed in order as one of these. */
export interface Attribute {
  readonly line: number;
  readonly name: string;
  /** Text after the first `:`, exactly as written; undefined for a property attribute. */
  readonly value: string | undefined;
}

/** RFC 5888 section 5: `a=group:<semantics> *(SP <mid>)`, e.g. BUNDLE (RFC 8843). */
export interface Group {
  readonly line: number;
  readonly semantics: string;
  readonly mids: readonly string[];
}

/** RFC 8866 section 6.6: `a=rtpmap:<pt> <encoding name>/<clock rate>[/<channels>]`. */
export interface Rtpmap {
  readonly line: number;
  readonly payloadType: number;
  readonly encodingName: string;
  readonly clockRate: number;
  readonly channels: number | undefined;
}

/** RFC 8866 section 6.15: `a=fmtp:<format> <format specific parameters>`. */
export interface Fmtp {
  readonly line: number;
  /** The format token as written. */
  readonly format: string;
  /** The format as a payload type, when it is a number. */
  readonly payloadType: number | undefined;
  /** Parameters parsed from `name=value;name=value`; names lower-cased; flags map to ''. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The parameter text as written. */
  readonly config: string;
}

/** RFC 4585 section 4.2: `a=rtcp-fb:<pt or *> <type> [<subtype>]`. */
export interface RtcpFeedback {
  readonly line: number;
  readonly payloadType: number | '*';
  readonly type: string;
  readonly subtype: string | undefined;
}

/** RFC 8285 section 5: `a=extmap:<id>[/<direction>] <uri> [<attributes>]`. */
export interface Extmap {
  readonly line: number;
  readonly id: number;
  readonly direction: Direction | undefined;
  readonly uri: string;
  readonly attributes: string | undefined;
}

/** RFC 5576 section 4.1: `a=ssrc:<ssrc> <attribute>[:<value>]`. */
export interface SsrcAttribute {
  readonly line: number;
  readonly ssrc: number;
  readonly attribute: string;
  readonly value: string | undefined;
}

/** RFC 5576 section 4.2: `a=ssrc-group:<semantics> *(SP <ssrc>)`. */
export interface SsrcGroup {
  readonly line: number;
  readonly semantics: string;
  readonly ssrcs: readonly number[];
}

/** RFC 8830 section 2: `a=msid:<stream id> [<track id>]`. */
export interface Msid {
  readonly line: number;
  readonly streamId: string;
  readonly trackId: string | undefined;
}

/** RFC 8122 section 5: `a=fingerprint:<hash function> <fingerprint>`. */
export interface Fingerprint {
  readonly line: number;
  readonly algorithm: string;
  readonly value: string;
}

/**
 * RFC 8839 section 5.1: `a=candidate:` kept as its raw value plus the fields every candidate
 * has. Extension attributes stay in `value`; the full grammar lives in the ICE module.
 */
export interface CandidateView {
  readonly line: number;
  /** The attribute value as written (what `RTCIceCandidate.candidate` carries after `candidate:`). */
  readonly value: string;
  readonly foundation: string;
  readonly component: number;
  readonly transport: string;
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  readonly type: string;
}

/** RFC 3605 section 2.1: `a=rtcp:<port> [<nettype> <addrtype> <address>]`. */
export interface RtcpAddress {
  readonly line: number;
  readonly port: number;
  readonly netType: string | undefined;
  readonly addrType: string | undefined;
  readonly address: string | undefined;
}

/** A value with the line it was read from (ice-ufrag, mid, setup, ...). */
export interface LocatedValue<T> {
  readonly line: number;
  readonly value: T;
}

/** One codec of an RTP m= section: rtpmap, fmtp and rtcp-fb of one payload type together. */
export interface Codec {
  readonly payloadType: number;
  /** From a=rtpmap; for static payload types without one, the RFC 3551 name if known. */
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number | undefined;
  readonly parameters: ReadonlyMap<string, string>;
  /** rtcp-fb lines for this payload type and for `*`. */
  readonly feedback: readonly RtcpFeedback[];
}
