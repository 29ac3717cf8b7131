/**
 * H.264 payload format parameters and their offer/answer rules (RFC 6184 section 8).
 *
 * profile-level-id (RFC 6184 section 8.1) is three bytes in hex: profile_idc, profile-iop (the
 * constraint_set0..5 flags and two reserved bits) and level_idc. Two offers name the same
 * profile when profile_idc and profile-iop are the same bytes: `42E01F` and `42e01f` match,
 * and so does any spelling of those bytes. The one exception: for Baseline, Main and Extended
 * profiles, constraint_set3 with level_idc 11 means level 1b, so that bit belongs to the level
 * and is left out of the profile comparison (ITU-T H.264 A.3.1, A.3.2).
 */

/** RFC 6184 section 8.1: the default when profile-level-id is absent (Baseline, level 1). */
export const DEFAULT_PROFILE_LEVEL_ID = '420010';

export interface ProfileLevelId {
  readonly profileIdc: number;
  /** The profile-iop byte (constraint flags). */
  readonly profileIop: number;
  readonly levelIdc: number;
}

const CONSTRAINT_SET3 = 0x10;

/** Parse a 6-hex-digit profile-level-id; undefined when it is not exactly three hex bytes. */
export function parseProfileLevelId(text: string): ProfileLevelId | undefined {
  if (!/^[0-9A-Fa-f]{6}$/.test(text)) return undefined;
  const value = parseInt(text, 16);
  return { profileIdc: value >>> 16, profileIop: (value >>> 8) & 0xff, levelIdc: value & 0xff };
}

/** Lower-case hex, as libwebrtc writes it. */
export function formatProfileLevelId(p: ProfileLevelId): string {
  return ((p.profileIdc << 16) | (p.profileIop << 8) | p.levelIdc).toString(16).padStart(6, '0');
}

/** Baseline, Main and Extended signal level 1b with constraint_set3 and level_idc 11. */
function usesSet3For1b(profileIdc: number): boolean {
  return profileIdc === 66 || profileIdc === 77 || profileIdc === 88;
}

export function isLevel1b(p: ProfileLevelId): boolean {
  if (usesSet3For1b(p.profileIdc)) return p.levelIdc === 11 && (p.profileIop & CONSTRAINT_SET3) !== 0;
  return p.levelIdc === 9;
}

/** A number that orders levels: level_idc x 10, with level 1b between 1 (100) and 1.1 (110). */
export function levelRank(p: ProfileLevelId): number {
  return isLevel1b(p) ? 105 : p.levelIdc * 10;
}

/** The profile bytes to compare: profile_idc and profile-iop, without a level-1b set3 flag. */
function profileKey(p: ProfileLevelId): number {
  const iop = usesSet3For1b(p.profileIdc) && isLevel1b(p) ? p.profileIop & ~CONSTRAINT_SET3 : p.profileIop;
  return (p.profileIdc << 8) | iop;
}

/** True when both name the same profile (profile_idc and constraint bytes, RFC 6184 section 8.1). */
export function sameProfile(a: ProfileLevelId, b: ProfileLevelId): boolean {
  return profileKey(a) === profileKey(b);
}

/** `p`'s profile bytes carrying the level of `level` (handling the 1b encodings). */
function withLevel(p: ProfileLevelId, level: ProfileLevelId): ProfileLevelId {
  const iop = p.profileIop & ~(usesSet3For1b(p.profileIdc) && isLevel1b(p) ? CONSTRAINT_SET3 : 0);
  if (isLevel1b(level)) {
    return usesSet3For1b(p.profileIdc)
      ? { profileIdc: p.profileIdc, profileIop: iop | CONSTRAINT_SET3, levelIdc: 11 }
      : { profileIdc: p.profileIdc, profileIop: iop, levelIdc: 9 };
  }
  return { profileIdc: p.profileIdc, profileIop: iop, levelIdc: level.levelIdc };
}

/** RFC 6184 section 8.1: packetization-mode, 0 when absent. */
export function packetizationMode(parameters: ReadonlyMap<string, string>): string {
  return parameters.get('packetization-mode') || '0';
}

export type H264Mismatch = 'packetization-mode' | 'profile' | 'bad-profile-level-id';

export type H264Negotiation =
  | { readonly ok: true; readonly parameters: Map<string, string>; readonly levelAsymmetry: boolean }
  | { readonly ok: false; readonly reason: H264Mismatch };

/**
 * Answer parameters for an offered H.264 configuration the answerer can receive with `local`
 * (RFC 6184 section 8.2.2):
 * - packetization-mode must be equal (absent means 0), else the configurations do not match;
 * - profile_idc and profile-iop must be the same bytes, else they do not match;
 * - level: when both sides send level-asymmetry-allowed=1 the answer states the answerer's own
 *   receive level; otherwise the answer uses the lower of the two levels.
 * The answer repeats the offer's profile bytes, so the offerer sees its own profile back.
 */
export function negotiateH264(offered: ReadonlyMap<string, string>, local: ReadonlyMap<string, string>): H264Negotiation {
  const mode = packetizationMode(offered);
  if (mode !== packetizationMode(local)) return { ok: false, reason: 'packetization-mode' };
  const offerPli = parseProfileLevelId(offered.get('profile-level-id') || DEFAULT_PROFILE_LEVEL_ID);
  const localPli = parseProfileLevelId(local.get('profile-level-id') || DEFAULT_PROFILE_LEVEL_ID);
  if (!offerPli || !localPli) return { ok: false, reason: 'bad-profile-level-id' };
  if (!sameProfile(offerPli, localPli)) return { ok: false, reason: 'profile' };
  const levelAsymmetry = offered.get('level-asymmetry-allowed') === '1' && local.get('level-asymmetry-allowed') === '1';
  const level = levelAsymmetry || levelRank(localPli) <= levelRank(offerPli) ? localPli : offerPli;
  const parameters = new Map<string, string>();
  if (levelAsymmetry) parameters.set('level-asymmetry-allowed', '1');
  parameters.set('packetization-mode', mode);
  parameters.set('profile-level-id', formatProfileLevelId(withLevel(offerPli, level)));
  for (const [name, value] of local) if (!parameters.has(name) && name !== 'level-asymmetry-allowed') parameters.set(name, value);
  return { ok: true, parameters, levelAsymmetry };
}
