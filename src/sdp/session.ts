/**
 * A parsed session description (RFC 8866 section 5): the session-level lines, then one
 * `MediaSection` per m= line. Every line keeps its raw text and terminator, so `toString()`
 * gives back the parsed text byte for byte until a change is made through the API.
 */
import { formatOrigin } from './format.js';
import { readGroup, readOrigin, readTiming } from './readers.js';
import { Cursor } from './scan.js';
import { K_GROUP, K_ICE_LITE } from './attribute-kinds.js';
import { CommonState, Section, type SdpLine } from './section.js';
import { serialize } from './serialize.js';
import type { MediaSection } from './media.js';
import type { Direction, Fingerprint, Group, LineEnding, LocatedValue, Origin, SetupRole, Timing } from './types.js';

class SessionState extends CommonState {
  origin: Origin | undefined = undefined;
  sessionName: LocatedValue<string> | undefined = undefined;
  timings: Timing[] = [];
  groups: Group[] = [];
  iceLite = false;
}

/** Transport attributes that apply to a media section, from its own level or the session's. */
export interface EffectiveTransport {
  iceUfrag: LocatedValue<string> | undefined;
  icePwd: LocatedValue<string> | undefined;
  iceOptions: LocatedValue<readonly string[]> | undefined;
  fingerprints: readonly Fingerprint[];
  setup: LocatedValue<SetupRole | (string & {})> | undefined;
}

export class SessionDescription extends Section<SessionState> {
  /** The media descriptions, in order. */
  readonly media: MediaSection[];
  /** Whether the text ended with a line terminator (RFC 8866 wants one; some tools omit it). */
  endsWithLineBreak: boolean;

  constructor(sessionLines: SdpLine[], media: MediaSection[], lineEnding: LineEnding, endsWithLineBreak: boolean) {
    super(sessionLines, lineEnding);
    this.media = media;
    this.endsWithLineBreak = endsWithLineBreak;
  }

  protected newState(): SessionState {
    return new SessionState();
  }

  protected indexLine(line: SdpLine, state: SessionState): void {
    switch (line.type) {
      case 'o':
        state.origin ??= readOrigin(new Cursor(line.raw, line.line, 2));
        return;
      case 's':
        state.sessionName ??= { line: line.line, value: line.raw.slice(2) };
        return;
      case 't':
        state.timings.push(readTiming(new Cursor(line.raw, line.line, 2)));
        return;
      default:
      // v= is checked by the parser; i=, u=, e=, p=, r=, z=, k= and unknown types stay as written.
    }
  }

  protected indexAttribute(kind: number, line: SdpLine, at: number, state: SessionState): void {
    if (kind === K_GROUP) state.groups.push(readGroup(new Cursor(line.raw, line.line, at)));
    else if (kind === K_ICE_LITE) state.iceLite = true;
  }

  /** v= (always 0: RFC 8866 section 5.1). */
  get version(): number {
    return 0;
  }
  get origin(): Origin | undefined {
    return this.state.origin;
  }
  get sessionName(): string | undefined {
    return this.state.sessionName?.value;
  }
  /** t= lines (RFC 8866 section 5.9). */
  get timings(): readonly Timing[] {
    return this.state.timings;
  }
  /** a=group lines (RFC 5888). */
  get groups(): readonly Group[] {
    return this.state.groups;
  }
  /** BUNDLE groups (RFC 8843 section 7). */
  get bundleGroups(): Group[] {
    return this.state.groups.filter((g) => g.semantics === 'BUNDLE');
  }
  get iceLite(): boolean {
    return this.state.iceLite;
  }

  /** The media section with this mid. */
  mediaByMid(mid: string): MediaSection | undefined {
    return this.media.find((m) => m.mid === mid);
  }

  /** The BUNDLE group this media section's mid belongs to, if any. */
  bundleGroupOf(media: MediaSection): Group | undefined {
    const mid = media.mid;
    return mid === undefined ? undefined : this.bundleGroups.find((g) => g.mids.includes(mid));
  }

  /** Media-level transport attributes, falling back to session level (RFC 8839 section 5.4, RFC 8122 section 5). */
  transportOf(media: MediaSection): EffectiveTransport {
    return {
      iceUfrag: media.iceUfrag ?? this.iceUfrag,
      icePwd: media.icePwd ?? this.icePwd,
      iceOptions: media.iceOptions ?? this.iceOptions,
      fingerprints: media.fingerprints.length ? media.fingerprints : this.fingerprints,
      setup: media.setup ?? this.setup,
    };
  }

  /** Media direction, else session direction, else sendrecv (RFC 8866 section 6.7). */
  directionOf(media: MediaSection): Direction {
    return media.direction ?? this.direction ?? 'sendrecv';
  }

  /** Change fields of o=, regenerating that line (RFC 8866 section 5.2). */
  setOrigin(changes: Partial<Omit<Origin, 'line'>>): void {
    const current = this.state.origin;
    if (!current) throw new RangeError('the description has no o= line to change');
    const value = formatOrigin({ ...current, ...changes });
    this.change((lines) => {
      const at = lines.findIndex((l) => l.type === 'o');
      lines[at].raw = `o=${value}`;
    });
  }

  /** The text of the description: raw lines as read, changed lines in canonical form. */
  override toString(): string {
    return serialize(this);
  }
}
