/**
 * NTP timestamps as RTCP carries them (RFC 3550 4): 32.32 fixed point seconds since
 * 1900-01-01, and the "compact" middle 32 bits (16.16) used for LSR and DLSR (6.4.1).
 */
import { NTP_UNIX_OFFSET_SECONDS } from '../constants.js';

export interface NtpTime {
  seconds: number;
  fraction: number;
}

/** NTP time of a Unix time in milliseconds (wraps in 2036, era 1, as RFC 5905 6 allows). */
export function ntpFromUnixMs(unixMs: number): NtpTime {
  const totalSeconds = Math.floor(unixMs / 1000);
  const subMs = unixMs - totalSeconds * 1000;
  return {
    seconds: (totalSeconds + NTP_UNIX_OFFSET_SECONDS) >>> 0,
    fraction: Math.min(0xffffffff, Math.round((subMs / 1000) * 0x1_0000_0000)) >>> 0,
  };
}

/** Unix milliseconds of an NTP time (assumes era 0, i.e. before 2036). */
export function unixMsFromNtp(seconds: number, fraction: number): number {
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / 0x1_0000_0000) * 1000;
}

/** The middle 32 bits of an NTP time: 16 bits of seconds, 16 of fraction (6.4.1 LSR). */
export function ntpMiddle(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Compact NTP time (1/65536 s) of a Unix time in milliseconds. */
export function compactNtpFromUnixMs(unixMs: number): number {
  const { seconds, fraction } = ntpFromUnixMs(unixMs);
  return ntpMiddle(seconds, fraction);
}
