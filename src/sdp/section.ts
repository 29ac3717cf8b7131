/**
 * The part shared by the session level and each media description (RFC 8866 section 5): an
 * ordered list of lines kept as read, plus typed views of the attributes both levels may carry
 * (RFC 8839 ICE attributes, RFC 8122 fingerprint, RFC 4145 setup, RFC 8866 section 6.7
 * direction, RFC 8285 extmap, c= and b=).
 *
 * Lines keep their raw text; serializing writes the raw text back. A change made through one
 * of the `set...`/`add...`/`remove...` methods rewrites only the lines it touches, in canonical
 * form, and re-derives the typed views.
 */
import { PARSE_MESSAGES as M } from './constants.js';
import { SdpParseError } from './errors.js';
import { formatAttribute } from './format.js';
import { readBandwidth, readCandidate, readConnection, readExtmap, readFingerprint, readIceOptions, isDirection } from './readers.js';
import { Cursor } from './scan.js';
import {
  ATTRIBUTE_KINDS,
  K_CANDIDATE,
  K_DIRECTION,
  K_END_OF_CANDIDATES,
  K_EXTMAP,
  K_FINGERPRINT,
  K_ICE_OPTIONS,
  K_ICE_PWD,
  K_ICE_UFRAG,
  K_SETUP,
  TOKEN_CHAR,
} from './attribute-kinds.js';
import type {
  Attribute,
  Bandwidth,
  CandidateView,
  Connection,
  Direction,
  Extmap,
  Fingerprint,
  LineEnding,
  LocatedValue,
  SetupRole,
} from './types.js';

/** One line as read: its type letter, its text without terminator, and its terminator. */
export interface SdpLine {
  readonly type: string;
  /** The whole line without its terminator, e.g. `a=mid:0`. */
  raw: string;
  /** The terminator as read (`\r\n` or `\n`). */
  eol: string;
  /** 1-based line number in the parsed text; 0 for a line created through the API. */
  readonly line: number;
}

/**
 * Typed state derived from the lines of a section; rebuilt after every change. A class (not a
 * spread object literal) so every state has one stable shape, which keeps parsing fast.
 */
export class CommonState {
  attributes: Attribute[] = [];
  connection: Connection | undefined = undefined;
  bandwidths: Bandwidth[] = [];
  directions: LocatedValue<Direction>[] = [];
  iceUfrag: LocatedValue<string> | undefined = undefined;
  icePwd: LocatedValue<string> | undefined = undefined;
  iceOptions: LocatedValue<readonly string[]> | undefined = undefined;
  fingerprints: Fingerprint[] = [];
  setup: LocatedValue<SetupRole | (string & {})> | undefined = undefined;
  extmaps: Extmap[] = [];
  candidates: CandidateView[] = [];
  endOfCandidates = false;
}

/** Index of the first character of `name` outside token-char (RFC 8866 section 9), or -1. */
function badTokenChar(name: string): number {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 128 || TOKEN_CHAR[c] === 0) return i;
  }
  return -1;
}

export abstract class Section<S extends CommonState> {
  /** The lines of this section in order (for a media section the m= line first). */
  readonly lines: SdpLine[];
  /** Terminator given to lines added through the API. */
  readonly lineEnding: LineEnding;
  protected state!: S;

  constructor(lines: SdpLine[], lineEnding: LineEnding) {
    this.lines = lines;
    this.lineEnding = lineEnding;
    this.reindex();
  }

  protected abstract newState(): S;

  /** Index a line that is not a shared attribute, c= or b=. */
  protected abstract indexLine(line: SdpLine, state: S): void;

  /**
   * Index an attribute of a kind the base does not handle (see attribute-kinds.ts; 0 for a
   * name no kind lists). `at` is the index in `line.raw` where the value starts.
   */
  protected abstract indexAttribute(kind: number, line: SdpLine, at: number, state: S): void;

  /** Rebuild every typed view from the lines. Throws `SdpParseError` for a malformed line. */
  protected reindex(): void {
    const state = this.newState();
    const { lines } = this;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      switch (line.type) {
        case 'a':
          this.indexCommonAttribute(line, state);
          break;
        case 'c':
          state.connection ??= readConnection(new Cursor(line.raw, line.line, 2));
          break;
        case 'b':
          state.bandwidths.push(readBandwidth(new Cursor(line.raw, line.line, 2)));
          break;
        default:
          this.indexLine(line, state);
      }
    }
    this.state = state;
  }

  private indexCommonAttribute(line: SdpLine, state: S): void {
    const raw = line.raw;
    const colon = raw.indexOf(':', 2);
    const name = colon === -1 ? raw.slice(2) : raw.slice(2, colon);
    const bad = name.length === 0 ? 0 : badTokenChar(name);
    if (bad !== -1) throw new SdpParseError(M.badAttributeName, line.line, 3 + bad);
    const value = colon === -1 ? undefined : raw.slice(colon + 1);
    state.attributes.push({ line: line.line, name, value });
    const at = colon === -1 ? raw.length : colon + 1;
    const kind = ATTRIBUTE_KINDS.get(name) ?? 0;
    switch (kind) {
      case K_DIRECTION:
        state.directions.push({ line: line.line, value: name as Direction });
        return;
      case K_ICE_UFRAG:
        state.iceUfrag ??= { line: line.line, value: new Cursor(raw, line.line, at).token('ice-ufrag') };
        return;
      case K_ICE_PWD:
        state.icePwd ??= { line: line.line, value: new Cursor(raw, line.line, at).token('ice-pwd') };
        return;
      case K_ICE_OPTIONS:
        state.iceOptions ??= { line: line.line, value: readIceOptions(new Cursor(raw, line.line, at)) };
        return;
      case K_FINGERPRINT:
        state.fingerprints.push(readFingerprint(new Cursor(raw, line.line, at)));
        return;
      case K_SETUP:
        state.setup ??= { line: line.line, value: new Cursor(raw, line.line, at).token('setup role') };
        return;
      case K_EXTMAP:
        state.extmaps.push(readExtmap(new Cursor(raw, line.line, at)));
        return;
      case K_CANDIDATE:
        state.candidates.push(readCandidate(new Cursor(raw, line.line, at)));
        return;
      case K_END_OF_CANDIDATES:
        state.endOfCandidates = true;
        return;
      default:
        this.indexAttribute(kind, line, at, state);
    }
  }

  /** Every a= line of this section, known or not, in order. */
  get attributes(): readonly Attribute[] {
    return this.state.attributes;
  }
  /** The first c= line (RFC 8866 section 5.7). */
  get connection(): Connection | undefined {
    return this.state.connection;
  }
  /** b= lines (RFC 8866 section 5.8; AS per RFC 8866, TIAS per RFC 3890). */
  get bandwidths(): readonly Bandwidth[] {
    return this.state.bandwidths;
  }
  /** The b= value of one type (`AS`, `TIAS`, `CT`...). */
  bandwidth(type: string): number | undefined {
    for (const b of this.state.bandwidths) if (b.type === type) return b.value;
    return undefined;
  }
  /** The direction attribute, if any (RFC 8866 section 6.7). */
  get direction(): Direction | undefined {
    return this.state.directions[0]?.value;
  }
  /** All direction attributes (more than one is a validation issue). */
  get directions(): readonly LocatedValue<Direction>[] {
    return this.state.directions;
  }
  get iceUfrag(): LocatedValue<string> | undefined {
    return this.state.iceUfrag;
  }
  get icePwd(): LocatedValue<string> | undefined {
    return this.state.icePwd;
  }
  get iceOptions(): LocatedValue<readonly string[]> | undefined {
    return this.state.iceOptions;
  }
  get fingerprints(): readonly Fingerprint[] {
    return this.state.fingerprints;
  }
  get setup(): LocatedValue<SetupRole | (string & {})> | undefined {
    return this.state.setup;
  }
  get extmaps(): readonly Extmap[] {
    return this.state.extmaps;
  }
  get candidates(): readonly CandidateView[] {
    return this.state.candidates;
  }
  get endOfCandidates(): boolean {
    return this.state.endOfCandidates;
  }

  /** The attributes with this name. */
  attributesNamed(name: string): Attribute[] {
    return this.state.attributes.filter((a) => a.name === name);
  }
  /** The value of the first attribute with this name ('' for a property attribute), or undefined. */
  attribute(name: string): string | undefined {
    for (const a of this.state.attributes) if (a.name === name) return a.value ?? '';
    return undefined;
  }

  // ---- changes through the API: each rewrites only the lines it touches ----

  /**
   * Apply a change to the line list, then re-derive the typed views. If the result does not
   * parse, the lines are restored and the `SdpParseError` is rethrown.
   */
  protected change(edit: (lines: SdpLine[]) => void): void {
    const before = this.lines.slice();
    const raws = before.map((l) => l.raw);
    edit(this.lines);
    try {
      this.reindex();
    } catch (error) {
      this.lines.length = 0;
      this.lines.push(...before);
      before.forEach((l, i) => (l.raw = raws[i]));
      throw error;
    }
  }

  /** A line created through the API: line number 0 and the document's line ending. */
  private newAttributeLine(raw: string): SdpLine {
    return { type: 'a', raw, eol: this.lineEnding, line: 0 };
  }

  private attributeIndexes(name: string): number[] {
    const out: number[] = [];
    const prefix = `a=${name}`;
    this.lines.forEach((l, i) => {
      if (l.type === 'a' && l.raw.startsWith(prefix) && (l.raw.length === prefix.length || l.raw.charCodeAt(prefix.length) === 58)) out.push(i);
    });
    return out;
  }

  /** Set the first attribute named `name` to `value` in place, or append it. */
  setAttribute(name: string, value?: string): void {
    this.change((lines) => {
      const [first] = this.attributeIndexes(name);
      const raw = formatAttribute(name, value);
      if (first === undefined) lines.push(this.newAttributeLine(raw));
      else lines[first].raw = raw;
    });
  }

  /** Append an attribute line at the end of this section. */
  addAttribute(name: string, value?: string): void {
    this.change((lines) => lines.push(this.newAttributeLine(formatAttribute(name, value))));
  }

  /** Remove the attributes named `name` (those `where` accepts, if given); returns how many. */
  removeAttributes(name: string, where?: (attribute: Attribute) => boolean): number {
    let removed = 0;
    this.change((lines) => {
      const drop = new Set(
        this.attributeIndexes(name).filter((i) => {
          if (!where) return true;
          const raw = lines[i].raw;
          const colon = raw.indexOf(':', 2);
          return where({ line: lines[i].line, name, value: colon === -1 ? undefined : raw.slice(colon + 1) });
        }),
      );
      removed = drop.size;
      const kept = lines.filter((_, i) => !drop.has(i));
      lines.length = 0;
      lines.push(...kept);
    });
    return removed;
  }

  /**
   * Replace every attribute named in `names` with one line `a=<name>[:value]` at the place of
   * the first of them (appended when there was none).
   */
  protected replaceAll(names: readonly string[], name: string, value: string | undefined): void {
    this.change((lines) => {
      const indexes = names.flatMap((n) => this.attributeIndexes(n)).sort((a, b) => a - b);
      const raw = formatAttribute(name, value);
      if (indexes.length === 0) {
        lines.push(this.newAttributeLine(raw));
        return;
      }
      lines[indexes[0]].raw = raw;
      const drop = new Set(indexes.slice(1));
      const kept = lines.filter((_, i) => !drop.has(i));
      lines.length = 0;
      lines.push(...kept);
    });
  }

  /** Set the direction (RFC 8866 section 6.7), replacing any direction attribute. */
  setDirection(direction: Direction): void {
    if (!isDirection(direction)) throw new RangeError(`not a direction: ${String(direction)}`);
    this.replaceAll(['sendrecv', 'sendonly', 'recvonly', 'inactive'], direction, undefined);
  }

  /** Set a=ice-ufrag and a=ice-pwd (RFC 8839 section 5.4). */
  setIceCredentials(ufrag: string, pwd: string): void {
    this.replaceAll(['ice-ufrag'], 'ice-ufrag', ufrag);
    this.replaceAll(['ice-pwd'], 'ice-pwd', pwd);
  }

  /** Set the one a=fingerprint (RFC 8122 section 5), replacing any others. */
  setFingerprint(algorithm: string, value: string): void {
    this.replaceAll(['fingerprint'], 'fingerprint', `${algorithm} ${value}`);
  }

  /** Set a=setup (RFC 4145 section 4). */
  setSetup(role: SetupRole): void {
    this.replaceAll(['setup'], 'setup', role);
  }
}
