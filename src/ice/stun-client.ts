/**
 * A STUN Binding client over UDP (RFC 8489 sections 6.1, 6.2.1 and 6.3.3), with the ICE
 * connectivity-check attributes of RFC 8445 section 7.2.2 (USERNAME, PRIORITY,
 * ICE-CONTROLLING / ICE-CONTROLLED, USE-CANDIDATE, MESSAGE-INTEGRITY with the remote password).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { DEFAULT_RC, DEFAULT_RM, DEFAULT_RTO_MS, StunAttributeType as A, StunClass, StunMethod } from './constants.js';
import { StunErrorResponseError, StunParseError, StunTimeoutError } from './errors.js';
import { parseIp } from './ip.js';
import type { TransportAddress } from './stun-address.js';
import { StunMessageBuilder } from './stun-builder.js';
import { verifyFingerprint, verifyMessageIntegrity } from './stun-integrity.js';
import { looksLikeStun, StunMessage } from './stun-message.js';

export interface StunBindingOptions {
  /** Where to send the request. */
  destination: { address: string; port: number };
  /**
   * Send from this socket (it stays open, and other listeners keep their datagrams). When
   * absent, a socket of the destination's family is bound to `localAddress` (default any) and closed after.
   */
  socket?: Socket;
  localAddress?: string;
  /** Initial retransmission timeout in ms (section 6.2.1). Default 500. */
  rto?: number;
  /** Requests to send in all (Rc). Default 7. */
  rc?: number;
  /** After the last request, wait rm x RTO for an answer (Rm). Default 16. */
  rm?: number;
  software?: string;
  /** USERNAME; for ICE "remoteUfrag:localUfrag" (RFC 8445 section 7.2.2). */
  username?: string;
  /**
   * Short-term password: signs the request with MESSAGE-INTEGRITY (for ICE, the remote
   * agent's password) and requires the response's MESSAGE-INTEGRITY to verify with it.
   */
  password?: string;
  /** PRIORITY (RFC 8445 section 7.1.1). */
  priority?: number;
  /** ICE-CONTROLLING tiebreaker (we claim the controlling role). */
  iceControlling?: bigint;
  /** ICE-CONTROLLED tiebreaker (we claim the controlled role). */
  iceControlled?: bigint;
  /** USE-CANDIDATE (controlling agent nominating the pair, RFC 8445 section 8.1.1). */
  useCandidate?: boolean;
  /** Add FINGERPRINT to the request (default true). */
  fingerprint?: boolean;
  /** Require FINGERPRINT in the response (default: required when `fingerprint` is on). */
  requireFingerprint?: boolean;
  /** Use this transaction ID instead of a random one. */
  transactionId?: Uint8Array;
}

export interface StunBindingResult {
  /** XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS from an RFC 3489 server). */
  mappedAddress: TransportAddress;
  response: StunMessage;
  /** The request bytes as sent. */
  request: Uint8Array;
  /** Where the response came from. */
  from: TransportAddress;
  /** How many times the request was sent. */
  attempts: number;
  /** Milliseconds from the last send to the response. */
  rttMs: number;
  /** Whether the response's MESSAGE-INTEGRITY verified with `password` (false when no password was given). */
  integrityVerified: boolean;
  /** Whether the response carried a FINGERPRINT that verified. */
  fingerprintVerified: boolean;
}

function sameAddress(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x || !y) return a === b;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Send one Binding request and wait for its response, retransmitting at 0, RTO, 3 RTO,
 * 7 RTO, ... (doubling, section 6.2.1) up to Rc sends, then giving up after Rm x RTO.
 * Resolves on a success response whose integrity (if `password`) and fingerprint (if required)
 * verify; rejects with `StunErrorResponseError` on a valid error response or
 * `StunTimeoutError` when nothing acceptable came back. Responses that fail verification, or
 * come from another address than the destination, are discarded (section 6.3.3, RFC 8445 7.2.5.2.1).
 */
export async function stunBindingRequest(options: StunBindingOptions): Promise<StunBindingResult> {
  const rto = options.rto ?? DEFAULT_RTO_MS;
  const rc = options.rc ?? DEFAULT_RC;
  const rm = options.rm ?? DEFAULT_RM;
  if (!(rto > 0) || !Number.isInteger(rc) || rc < 1 || !(rm > 0)) throw new RangeError('rto and rm must be positive, rc a positive integer');
  const fingerprint = options.fingerprint ?? true;
  const requireFingerprint = options.requireFingerprint ?? fingerprint;

  const builder = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, options.transactionId);
  if (options.software !== undefined) builder.software(options.software);
  if (options.username !== undefined) builder.username(options.username);
  if (options.priority !== undefined) builder.priority(options.priority);
  if (options.iceControlling !== undefined) builder.iceControlling(options.iceControlling);
  if (options.iceControlled !== undefined) builder.iceControlled(options.iceControlled);
  if (options.useCandidate) builder.useCandidate();
  const request = builder.build({ integrityKey: options.password, fingerprint });
  const transactionId = builder.transactionId;

  const destination = options.destination;
  const ownSocket = !options.socket;
  const socket = options.socket ?? createSocket(destination.address.includes(':') ? 'udp6' : 'udp4');
  if (ownSocket) {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, options.localAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  }

  return new Promise<StunBindingResult>((resolve, reject) => {
    let attempts = 0;
    let timer: NodeJS.Timeout | undefined;
    let lastSend = 0;
    const started = performance.now();

    const finish = (error: Error | undefined, result?: StunBindingResult) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('error', onError);
      const settle = () => (error ? reject(error) : resolve(result!));
      if (ownSocket) socket.close(settle);
      else settle();
    };

    const onError = (error: Error) => finish(error);

    const onMessage = (msg: Buffer, rinfo: RemoteInfo) => {
      if (!looksLikeStun(msg)) return;
      if (rinfo.port !== destination.port || !sameAddress(rinfo.address, destination.address)) return;
      let response: StunMessage;
      try {
        response = StunMessage.decode(msg);
      } catch (error) {
        if (error instanceof StunParseError) return;
        throw error;
      }
      if (response.method !== StunMethod.Binding) return;
      if (response.cls !== StunClass.SuccessResponse && response.cls !== StunClass.ErrorResponse) return;
      if (!Buffer.from(response.transactionId).equals(transactionId)) return;
      const fingerprintVerified = verifyFingerprint(response);
      if (response.has(A.Fingerprint) && !fingerprintVerified) return;
      if (requireFingerprint && !fingerprintVerified) return;
      let integrityVerified = false;
      if (options.password !== undefined) {
        integrityVerified = verifyMessageIntegrity(response, options.password);
        // An error response may lack MESSAGE-INTEGRITY (e.g. 400, 401); one that has it must verify.
        const mayLackIntegrity = response.cls === StunClass.ErrorResponse && !response.has(A.MessageIntegrity);
        if (!integrityVerified && !mayLackIntegrity) return;
      }
      if (response.cls === StunClass.ErrorResponse) {
        const e = response.errorCode;
        finish(new StunErrorResponseError(e?.code ?? 0, e?.reason ?? ''));
        return;
      }
      const mappedAddress = response.xorMappedAddress ?? response.mappedAddress;
      if (!mappedAddress) return; // section 6.3.3: a success response must carry the mapped address
      const from: TransportAddress = { family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4', address: rinfo.address, port: rinfo.port };
      finish(undefined, { mappedAddress, response, request, from, attempts, rttMs: performance.now() - lastSend, integrityVerified, fingerprintVerified });
    };

    const send = () => {
      attempts++;
      lastSend = performance.now();
      socket.send(request, destination.port, destination.address);
      const wait = attempts < rc ? rto * 2 ** (attempts - 1) : rm * rto;
      timer = setTimeout(() => {
        if (attempts < rc) send();
        else finish(new StunTimeoutError(attempts, performance.now() - started, destination));
      }, wait);
    };

    socket.on('message', onMessage);
    socket.on('error', onError);
    send();
  });
}
