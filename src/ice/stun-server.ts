/**
 * A STUN Binding server over UDP (RFC 8489 sections 6.3 and 9.1.3-9.1.4; the ICE flavour of
 * RFC 8445 section 7.3 when credentials are set).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { StunAttributeType as A, StunClass, StunErrorCode, StunMethod } from './constants.js';
import { StunParseError } from './errors.js';
import type { TransportAddress } from './stun-address.js';
import { StunMessageBuilder } from './stun-builder.js';
import { verifyFingerprint, verifyMessageIntegrity } from './stun-integrity.js';
import { StunMessage } from './stun-message.js';

export interface StunServerOptions {
  /** SOFTWARE sent in every response (section 14.14). Omitted when undefined. */
  software?: string;
  /**
   * Short-term credentials (section 9.1): the password for a USERNAME, or undefined when
   * unknown. When set, requests need USERNAME and MESSAGE-INTEGRITY (400 / 401 otherwise) and
   * responses carry MESSAGE-INTEGRITY with the same password.
   */
  credentials?: (username: string) => string | undefined;
  /** Add FINGERPRINT to responses (section 14.7). Default true. */
  fingerprint?: boolean;
  /**
   * The address to report in XOR-MAPPED-ADDRESS; default the request's source. A test can
   * report a different address so a server-reflexive candidate differs from the host one.
   */
  mappedAddress?: (source: TransportAddress) => TransportAddress;
  /** Called for every datagram the server handled. */
  onRecord?: (record: StunServerRecord) => void;
}

/** What the server did with one datagram. */
export interface StunServerRecord {
  from: TransportAddress;
  /** Hex transaction ID, when the datagram decoded. */
  transactionId?: string;
  method?: number;
  username?: string;
  software?: string;
  /** Outcome: a success response, an error response (its code), or dropped (with why). */
  outcome: 'success' | 'error' | 'dropped';
  errorCode?: number;
  reason?: string;
  /** The address put in XOR-MAPPED-ADDRESS (success only). */
  reported?: TransportAddress;
  /** The request bytes (a copy). */
  request: Uint8Array;
}

/** The result of `StunServer.handle`: bytes to send back (if any) and the record. */
export interface StunServerReply {
  response?: Uint8Array;
  record: StunServerRecord;
}

/** How many records `StunServer.records` keeps (the oldest are dropped first). */
const MAX_RECORDS = 1000;

/**
 * Answers Binding requests with XOR-MAPPED-ADDRESS. `handle()` is the protocol logic on its
 * own (no socket); `listen()` puts it on a UDP socket.
 */
export class StunServer {
  /** The latest handled datagrams, oldest first (at most 1,000). */
  readonly records: StunServerRecord[] = [];
  private socket?: Socket;

  constructor(private readonly options: StunServerOptions = {}) {}

  /** Decide the answer to one datagram from `from` (RFC 8489 section 6.3). */
  handle(datagram: Uint8Array, from: TransportAddress): StunServerReply {
    const request = Uint8Array.from(datagram);
    const drop = (reason: string, extra: Partial<StunServerRecord> = {}): StunServerReply => ({ record: { from, outcome: 'dropped', reason, request, ...extra } });
    let message: StunMessage;
    try {
      message = StunMessage.decode(datagram);
    } catch (error) {
      if (error instanceof StunParseError) return drop(error.message);
      throw error;
    }
    const base: Partial<StunServerRecord> = {
      transactionId: Buffer.from(message.transactionId).toString('hex'),
      method: message.method,
      username: message.username,
      software: message.software,
    };
    if (message.cls !== StunClass.Request) return drop('not a request', base);
    // Section 14.7: a present but wrong FINGERPRINT means the datagram is not STUN.
    if (message.has(A.Fingerprint) && !verifyFingerprint(message)) return drop('FINGERPRINT mismatch', base);
    const fingerprint = this.options.fingerprint ?? true;

    const error = (code: number, configure?: (b: StunMessageBuilder) => void): StunServerReply => {
      const b = new StunMessageBuilder(message.method, StunClass.ErrorResponse, message.transactionId);
      if (this.options.software !== undefined) b.software(this.options.software);
      b.errorCode(code);
      configure?.(b);
      const response = b.build({ fingerprint });
      return { response, record: { from, outcome: 'error', errorCode: code, request, ...base } };
    };

    const unknown = message.unknownComprehensionRequired;
    if (unknown.length) return error(StunErrorCode.UnknownAttribute, (b) => b.unknownAttributes(unknown));
    if (message.method !== StunMethod.Binding) return error(StunErrorCode.BadRequest);

    let key: string | undefined;
    if (this.options.credentials) {
      // Section 9.1.3: both USERNAME and MESSAGE-INTEGRITY, a known user, and a matching HMAC.
      const username = message.username;
      if (username === undefined || !message.has(A.MessageIntegrity)) return error(StunErrorCode.BadRequest);
      key = this.options.credentials(username);
      if (key === undefined || !verifyMessageIntegrity(message, key)) return error(StunErrorCode.Unauthorized);
    }

    const reported = this.options.mappedAddress ? this.options.mappedAddress(from) : from;
    const b = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, message.transactionId);
    if (this.options.software !== undefined) b.software(this.options.software);
    b.xorMappedAddress(reported);
    const response = b.build({ integrityKey: key, fingerprint });
    return { response, record: { from, outcome: 'success', reported, request, ...base } };
  }

  /** Bind a UDP socket (port 0 = any free port) and start answering. Resolves with the bound address. */
  async listen(port = 0, address = '127.0.0.1'): Promise<TransportAddress> {
    if (this.socket) throw new Error('StunServer is already listening');
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      const from: TransportAddress = { family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4', address: rinfo.address, port: rinfo.port };
      const reply = this.handle(msg, from);
      this.records.push(reply.record);
      if (this.records.length > MAX_RECORDS) this.records.shift();
      this.options.onRecord?.(reply.record);
      if (reply.response) socket.send(reply.response, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return this.address();
  }

  /** The bound address (throws if not listening). */
  address(): TransportAddress {
    if (!this.socket) throw new Error('StunServer is not listening');
    const a = this.socket.address();
    return { family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', address: a.address, port: a.port };
  }

  /** Stop answering and close the socket. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
