/**
 * Round-trip time from a reception report (RFC 3550 6.4.1): the sender, receiving a report
 * at compact NTP time A, computes RTT = A - LSR - DLSR, all in 1/65536 s.
 */

/**
 * RTT in 1/65536 seconds, or undefined when the report echoes no sender report (LSR 0) or
 * the result is negative (clocks or reports out of order). Arithmetic is modulo 2^32.
 */
export function computeRtt(arrivalCompactNtp: number, lastSenderReport: number, delaySinceLastSenderReport: number): number | undefined {
  if (lastSenderReport === 0) return undefined;
  const rtt = (arrivalCompactNtp - lastSenderReport - delaySinceLastSenderReport) >>> 0;
  return rtt >= 0x80000000 ? undefined : rtt;
}

/** The same in milliseconds. */
export function computeRttMs(arrivalCompactNtp: number, lastSenderReport: number, delaySinceLastSenderReport: number): number | undefined {
  const rtt = computeRtt(arrivalCompactNtp, lastSenderReport, delaySinceLastSenderReport);
  return rtt === undefined ? undefined : (rtt * 1000) / 65536;
}
