/**
 * One media description (RFC 8866 section 5.14): the m= line and the lines after it up to the
 * next m= line, with typed views of the RTP attributes (RFC 8866 section 6, RFC 4585, RFC 5576,
 * RFC 8830, RFC 8843, RFC 8841) on top of the attributes shared with the session level.
 */
import { DEFAULT_MAX_MESSAGE_SIZE, PORT_MAX, STATIC_PAYLOAD_TYPES } from './constants.js';
import { readFmtp } from './fmtp.js';
import { formatMediaLine } from './format.js';
import { readMediaLine, readMsid, readRtcp, readRtcpFeedback, readRtpmap, readSsrc, readSsrcGroup, isRtpProtocol } from './readers.js';
import { Cursor } from './scan.js';
import {
  K_BUNDLE_ONLY,
  K_FMTP,
  K_MAX_MESSAGE_SIZE,
  K_MID,
  K_MSID,
  K_RTCP,
  K_RTCP_FB,
  K_RTCP_MUX,
  K_RTCP_MUX_ONLY,
  K_RTCP_RSIZE,
  K_RTPMAP,
  K_SCTP_PORT,
  K_SSRC,
  K_SSRC_GROUP,
} from './attribute-kinds.js';
import { CommonState, Section, type SdpLine } from './section.js';
import type { Codec, Fmtp, LocatedValue, Msid, RtcpAddress, RtcpFeedback, Rtpmap, SsrcAttribute, SsrcGroup } from './types.js';

class MediaState extends CommonState {
  kind = '';
  port = 0;
  numberOfPorts: number | undefined = undefined;
  protocol = '';
  formats: string[] = [];
  payloadTypes: number[] = [];
  mid: LocatedValue<string> | undefined = undefined;
  rtpmaps: Rtpmap[] = [];
  fmtps: Fmtp[] = [];
  rtcpFeedback: RtcpFeedback[] = [];
  ssrcs: SsrcAttribute[] = [];
  ssrcGroups: SsrcGroup[] = [];
  msids: Msid[] = [];
  rtcp: RtcpAddress | undefined = undefined;
  rtcpMux = false;
  rtcpMuxOnly = false;
  rtcpRsize = false;
  bundleOnly = false;
  sctpPort: LocatedValue<number> | undefined = undefined;
  maxMessageSize: LocatedValue<number> | undefined = undefined;
}

/** RFC 8841 section 6: max-message-size is 1*DIGIT without a bound; above 2^53 - 1 it cannot be held exactly. */
const SIZE_MAX = Number.MAX_SAFE_INTEGER;

export class MediaSection extends Section<MediaState> {
  protected newState(): MediaState {
    return new MediaState();
  }

  protected indexLine(line: SdpLine, state: MediaState): void {
    if (line.type === 'm' && line === this.lines[0]) {
      const m = readMediaLine(new Cursor(line.raw, line.line, 2));
      state.kind = m.kind;
      state.port = m.port;
      state.numberOfPorts = m.numberOfPorts;
      state.protocol = m.protocol;
      state.formats = m.formats;
      state.payloadTypes = m.payloadTypes;
    }
    // i=, k= and lines that do not belong here are kept as written, untyped.
  }

  protected indexAttribute(kind: number, line: SdpLine, at: number, state: MediaState): void {
    switch (kind) {
      case K_MID:
        state.mid ??= { line: line.line, value: new Cursor(line.raw, line.line, at).token('mid') };
        return;
      case K_RTPMAP:
        state.rtpmaps.push(readRtpmap(new Cursor(line.raw, line.line, at)));
        return;
      case K_FMTP:
        state.fmtps.push(readFmtp(new Cursor(line.raw, line.line, at)));
        return;
      case K_RTCP_FB:
        state.rtcpFeedback.push(readRtcpFeedback(new Cursor(line.raw, line.line, at)));
        return;
      case K_SSRC:
        state.ssrcs.push(readSsrc(new Cursor(line.raw, line.line, at)));
        return;
      case K_SSRC_GROUP:
        state.ssrcGroups.push(readSsrcGroup(new Cursor(line.raw, line.line, at)));
        return;
      case K_MSID:
        state.msids.push(readMsid(new Cursor(line.raw, line.line, at)));
        return;
      case K_RTCP:
        state.rtcp ??= readRtcp(new Cursor(line.raw, line.line, at));
        return;
      case K_RTCP_MUX:
        state.rtcpMux = true;
        return;
      case K_RTCP_MUX_ONLY:
        state.rtcpMuxOnly = true;
        return;
      case K_RTCP_RSIZE:
        state.rtcpRsize = true;
        return;
      case K_BUNDLE_ONLY:
        state.bundleOnly = true;
        return;
      case K_SCTP_PORT:
        state.sctpPort ??= { line: line.line, value: new Cursor(line.raw, line.line, at).uint('sctp-port', PORT_MAX) };
        return;
      case K_MAX_MESSAGE_SIZE:
        state.maxMessageSize ??= { line: line.line, value: new Cursor(line.raw, line.line, at).uint('max-message-size', SIZE_MAX) };
        return;
      default:
      // Unknown attributes stay in `attributes` and in the lines, untouched.
    }
  }

  /** Line number of the m= line. */
  get line(): number {
    return this.lines[0].line;
  }
  /** Media type: audio, video, application, ... */
  get kind(): string {
    return this.state.kind;
  }
  get port(): number {
    return this.state.port;
  }
  get numberOfPorts(): number | undefined {
    return this.state.numberOfPorts;
  }
  /** Transport protocol, e.g. UDP/TLS/RTP/SAVPF or UDP/DTLS/SCTP. */
  get protocol(): string {
    return this.state.protocol;
  }
  /** Formats as written on the m= line. */
  get formats(): readonly string[] {
    return this.state.formats;
  }
  /** Formats as payload types (RTP protocols only; empty otherwise). */
  get payloadTypes(): readonly number[] {
    return this.state.payloadTypes;
  }
  get isRtp(): boolean {
    return isRtpProtocol(this.state.protocol);
  }
  /** RFC 8841: an SCTP-over-DTLS m= section carrying data channels. */
  get isDataChannel(): boolean {
    return this.state.protocol.endsWith('SCTP') && this.state.formats.includes('webrtc-datachannel');
  }
  /** RFC 3264 section 6 / RFC 8843 section 6: port 0 without a=bundle-only rejects the section. */
  get isRejected(): boolean {
    return this.state.port === 0 && !this.state.bundleOnly;
  }
  get mid(): string | undefined {
    return this.state.mid?.value;
  }
  get midLine(): number | undefined {
    return this.state.mid?.line;
  }
  get rtpmaps(): readonly Rtpmap[] {
    return this.state.rtpmaps;
  }
  get fmtps(): readonly Fmtp[] {
    return this.state.fmtps;
  }
  get rtcpFeedback(): readonly RtcpFeedback[] {
    return this.state.rtcpFeedback;
  }
  get ssrcs(): readonly SsrcAttribute[] {
    return this.state.ssrcs;
  }
  get ssrcGroups(): readonly SsrcGroup[] {
    return this.state.ssrcGroups;
  }
  get msids(): readonly Msid[] {
    return this.state.msids;
  }
  get rtcp(): RtcpAddress | undefined {
    return this.state.rtcp;
  }
  get rtcpMux(): boolean {
    return this.state.rtcpMux;
  }
  get rtcpMuxOnly(): boolean {
    return this.state.rtcpMuxOnly;
  }
  get rtcpRsize(): boolean {
    return this.state.rtcpRsize;
  }
  get bundleOnly(): boolean {
    return this.state.bundleOnly;
  }
  get sctpPort(): number | undefined {
    return this.state.sctpPort?.value;
  }
  get maxMessageSize(): number | undefined {
    return this.state.maxMessageSize?.value;
  }
  /** max-message-size, or the 64 KiB RFC 8841 section 6.1 implies when it is absent (0 means no limit). */
  get effectiveMaxMessageSize(): number {
    return this.state.maxMessageSize?.value ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  rtpmap(payloadType: number): Rtpmap | undefined {
    for (const r of this.state.rtpmaps) if (r.payloadType === payloadType) return r;
    return undefined;
  }
  fmtp(payloadType: number | string): Fmtp | undefined {
    const key = String(payloadType);
    for (const f of this.state.fmtps) if (f.format === key) return f;
    return undefined;
  }
  /** The distinct SSRCs described by a=ssrc lines, in order of appearance. */
  get ssrcIds(): number[] {
    return [...new Set(this.state.ssrcs.map((s) => s.ssrc))];
  }

  /** The codecs of an RTP section in m= line order, joining rtpmap, fmtp and rtcp-fb. */
  get codecs(): Codec[] {
    const out: Codec[] = [];
    for (const pt of this.state.payloadTypes) {
      const rtpmap = this.rtpmap(pt);
      const known = STATIC_PAYLOAD_TYPES.get(pt);
      if (!rtpmap && !known) continue;
      out.push({
        payloadType: pt,
        name: rtpmap?.encodingName ?? known![0],
        clockRate: rtpmap?.clockRate ?? known![1],
        channels: rtpmap ? rtpmap.channels : known![2],
        parameters: this.fmtp(pt)?.parameters ?? new Map(),
        feedback: this.state.rtcpFeedback.filter((f) => f.payloadType === pt || f.payloadType === '*'),
      });
    }
    return out;
  }

  /** Set a=mid (RFC 5888 section 4). */
  setMid(mid: string): void {
    this.replaceAll(['mid'], 'mid', mid);
  }

  /** Set the m= line port, regenerating the m= line (RFC 8866 section 5.14). */
  setPort(port: number): void {
    if (!Number.isInteger(port) || port < 0 || port > PORT_MAX) throw new RangeError(`port out of range: ${port}`);
    this.change((lines) => {
      lines[0].raw = `m=${formatMediaLine({ ...this.state, port })}`;
    });
  }

  /**
   * Remove a format from the m= line together with its rtpmap, fmtp and rtcp-fb lines.
   * Throws `RangeError` when it is the last format (an m= line needs one, RFC 8866 section 5.14).
   */
  removeFormat(format: string | number): void {
    const key = String(format);
    if (!this.state.formats.includes(key)) return;
    if (this.state.formats.length === 1) throw new RangeError('an m= line needs at least one format');
    this.change((lines) => {
      lines[0].raw = `m=${formatMediaLine({ ...this.state, formats: this.state.formats.filter((f) => f !== key) })}`;
      const kept = lines.filter((l, i) => {
        if (i === 0 || l.type !== 'a') return true;
        for (const name of ['a=rtpmap:', 'a=fmtp:', 'a=rtcp-fb:']) {
          if (l.raw.startsWith(name)) {
            const rest = l.raw.slice(name.length).trimStart();
            const end = rest.indexOf(' ');
            return (end === -1 ? rest : rest.slice(0, end)) !== key;
          }
        }
        return true;
      });
      lines.length = 0;
      lines.push(...kept);
    });
  }
}
