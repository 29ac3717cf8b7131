/**
 * A typed wrapper over a node-datachannel `DataChannel` (RFC 8831): one reliability option,
 * text and binary messages, a forward-only state machine with typed events, a size check
 * against the peer's `a=max-message-size` (RFC 8841 section 6), and an awaitable `send()`
 * that waits for the send buffer to drain below a high-water mark.
 */
import type { DataChannel, PeerConnection } from 'node-datachannel';
import {
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_LOW_WATER_MARK,
  DRAIN_POLL_MS,
  MAX_LABEL_BYTES,
  Messages,
} from './constants.js';
import { TypedEmitter } from './emitter.js';
import {
  ChannelNotOpenError,
  ChannelOpenError,
  ChannelSendError,
  InvalidChannelOptionError,
  MessageTooLargeError,
  type DataChannelError,
} from './errors.js';
import { RELIABLE_ORDERED, toNativeInit, validateReliability, validateStreamId, type Reliability } from './reliability.js';
import { canTransition, type ChannelState } from './state.js';

/** A received or sent message: text arrives as `string`, binary as bytes. */
export type ChannelMessage = string | Uint8Array;

/** The backpressure settings of a channel. */
export interface BackpressureOptions {
  /** `send()` waits while the send buffer holds more than this many bytes (default 1 MiB). */
  highWaterMark?: number;
  /** `bufferedamountlow` fires when the buffer drains to this many bytes (default 256 KiB). */
  lowWaterMark?: number;
}

/** Options for a channel this side opens. */
export interface ChannelOptions extends BackpressureOptions {
  label: string;
  /** Default: reliable and ordered. */
  reliability?: Reliability;
  /** Sub-protocol name carried in DATA_CHANNEL_OPEN (RFC 8832 section 5.1). */
  protocol?: string;
  /**
   * Negotiate out of band on this SCTP stream id instead of DCEP (RFC 8832 section 1); the
   * peer must create the same id with the same options.
   */
  negotiated?: { id: number };
}

/** Event names and payloads of a {@link Channel}. */
export interface ChannelEvents {
  statechange: { from: ChannelState; to: ChannelState };
  open: void;
  closing: void;
  closed: void;
  message: ChannelMessage;
  /** node-datachannel reported an error on the channel (its text is the message). */
  error: Error;
  /** The send buffer drained to `lowWaterMark` or below. */
  bufferedamountlow: { bufferedAmount: number };
}

/** Counters of what went through the channel. */
export interface ChannelStats {
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  /** How many `send()` calls had to wait for the buffer to drain. */
  backpressureWaits: number;
}

/** UTF-8 byte length of text, byte length of binary: what counts against the size limit. */
export function messageSize(data: ChannelMessage): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
}

export class Channel extends TypedEmitter<ChannelEvents> {
  readonly #native: DataChannel;
  #state: ChannelState = 'connecting';
  #highWaterMark: number;
  #lowWaterMark: number;
  #sendChain: Promise<void> = Promise.resolve();
  readonly #drainWaiters = new Set<() => void>();
  readonly #stats: ChannelStats = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0, backpressureWaits: 0 };
  /** Label given at creation or announced by the peer (RFC 8832 section 5.1). */
  readonly label: string;
  readonly protocol: string;
  /**
   * What this side asked for. `undefined` on a channel the peer opened: node-datachannel
   * 0.33 does not expose the reliability it read from the peer's DATA_CHANNEL_OPEN.
   */
  readonly reliability: Reliability | undefined;

  /**
   * Opens a channel on `pc` (DCEP, RFC 8832, unless `negotiated`). Throws
   * {@link InvalidChannelOptionError} for options no peer could negotiate.
   */
  static create(pc: PeerConnection, options: ChannelOptions): Channel {
    const reliability = validateReliability(options.reliability ?? RELIABLE_ORDERED);
    checkLength('label', options.label);
    if (options.protocol !== undefined) checkLength('protocol', options.protocol);
    const init = toNativeInit(reliability);
    if (options.protocol !== undefined) init.protocol = options.protocol;
    if (options.negotiated) {
      init.negotiated = true;
      init.id = validateStreamId(options.negotiated.id);
    }
    const watermarks = checkWatermarks(options);
    return new Channel(pc.createDataChannel(options.label, init), reliability, watermarks);
  }

  /**
   * Wraps a channel node-datachannel handed over (`PeerConnection.onDataChannel`). Call it
   * inside that callback so no message or event is missed. The wrapper keeps the native
   * channel alive: node-datachannel closes a channel whose JS object is garbage-collected.
   */
  static wrap(native: DataChannel, options: BackpressureOptions = {}): Channel {
    return new Channel(native, undefined, checkWatermarks(options));
  }

  private constructor(native: DataChannel, reliability: Reliability | undefined, marks: { high: number; low: number }) {
    super();
    this.#native = native;
    this.reliability = reliability;
    this.label = native.getLabel();
    this.protocol = native.getProtocol();
    this.#highWaterMark = marks.high;
    this.#lowWaterMark = marks.low;
    native.setBufferedAmountLowThreshold(marks.low);
    if (native.isOpen()) this.#state = 'open';
    native.onOpen(() => this.#moveTo('open'));
    native.onClosed(() => {
      if (this.#state !== 'closing') this.#moveTo('closing');
      this.#moveTo('closed');
    });
    native.onError((text) => this.emit('error', new Error(text)));
    native.onBufferedAmountLow(() => {
      this.#wakeDrainWaiters();
      this.emit('bufferedamountlow', { bufferedAmount: this.bufferedAmount });
    });
    native.onMessage((msg) => {
      const data: ChannelMessage = typeof msg === 'string' ? msg : msg instanceof ArrayBuffer ? new Uint8Array(msg) : msg;
      this.#stats.messagesReceived++;
      this.#stats.bytesReceived += messageSize(data);
      this.emit('message', data);
    });
  }

  get state(): ChannelState {
    return this.#state;
  }

  /** SCTP stream id (RFC 8831 section 6.5); -1 until node-datachannel has assigned one. */
  get id(): number {
    return this.#native.getId();
  }

  /** Bytes queued in node-datachannel's send buffer, not yet handed to SCTP. */
  get bufferedAmount(): number {
    return this.#native.bufferedAmount();
  }

  /**
   * Largest message the peer accepts, in bytes: node-datachannel reads the remote
   * `a=max-message-size` (absent: 65,536; 0: no limit, RFC 8841 section 6) and bounds it by
   * its own local maximum (262,144 unless configured). Meaningful once the channel is open.
   */
  get maxMessageSize(): number {
    return this.#native.maxMessageSize();
  }

  get highWaterMark(): number {
    return this.#highWaterMark;
  }

  get lowWaterMark(): number {
    return this.#lowWaterMark;
  }

  /** Changes both watermarks; the low one is also node-datachannel's `bufferedamountlow` threshold. */
  setWaterMarks(marks: BackpressureOptions): void {
    const checked = checkWatermarks({ highWaterMark: marks.highWaterMark ?? this.#highWaterMark, lowWaterMark: marks.lowWaterMark ?? this.#lowWaterMark });
    this.#highWaterMark = checked.high;
    this.#lowWaterMark = checked.low;
    this.#native.setBufferedAmountLowThreshold(checked.low);
    this.#wakeDrainWaiters();
  }

  get stats(): Readonly<ChannelStats> {
    return { ...this.#stats };
  }

  /** Resolves when the channel is open; rejects with {@link ChannelOpenError} if it closes first. */
  opened(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    if (this.#state !== 'connecting') return Promise.reject(new ChannelOpenError(this.label, Messages.closedBeforeOpen(this.label)));
    return new Promise((resolve, reject) => {
      const offOpen = this.once('open', () => {
        offClosed();
        resolve();
      });
      const offClosed = this.once('closed', () => {
        offOpen();
        reject(new ChannelOpenError(this.label, Messages.closedBeforeOpen(this.label)));
      });
    });
  }

  /** Resolves when the channel is closed (by either side). */
  closed(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.once('closed', () => resolve()));
  }

  /**
   * Sends now, without waiting for the buffer: the message is queued however full the buffer
   * is. Throws {@link ChannelNotOpenError}, {@link MessageTooLargeError} or
   * {@link ChannelSendError}; nothing is queued when it throws.
   */
  sendNow(data: ChannelMessage): void {
    this.#sendChecked(data, this.#checkSendable(data));
  }

  /**
   * Sends once the send buffer has room: waits while `bufferedAmount + size` would exceed the
   * high-water mark (a message larger than the mark goes alone into an empty buffer), so
   * `bufferedAmount` never exceeds `max(highWaterMark, size)`. Calls are sent in call order.
   * Rejects at once, with nothing sent, with {@link ChannelNotOpenError} or
   * {@link MessageTooLargeError}; rejects with {@link ChannelNotOpenError} if the channel
   * closes while the message waits.
   */
  send(data: ChannelMessage): Promise<void> {
    let size: number;
    try {
      size = this.#checkSendable(data);
    } catch (error) {
      return Promise.reject(error as DataChannelError);
    }
    const turn = this.#sendChain.then(() => this.#sendWhenRoom(data, size));
    this.#sendChain = turn.catch(() => undefined);
    return turn;
  }

  /** Closes the channel (RFC 8831 section 6.7: an SCTP stream reset). Idempotent. */
  close(): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#moveTo('closing');
    this.#native.close();
  }

  async #sendWhenRoom(data: ChannelMessage, size: number): Promise<void> {
    let waited = false;
    for (;;) {
      if (this.#state !== 'open') throw new ChannelNotOpenError(this.#state);
      const buffered = this.#native.bufferedAmount();
      if (buffered === 0 || buffered + size <= this.#highWaterMark) break;
      if (!waited) this.#stats.backpressureWaits++;
      waited = true;
      await this.#drain();
    }
    this.#sendChecked(data, size);
  }

  /** Waits for a `bufferedamountlow` event, a state change or one poll period, whichever is first. */
  #drain(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#drainWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, DRAIN_POLL_MS);
      this.#drainWaiters.add(wake);
    });
  }

  #wakeDrainWaiters(): void {
    for (const wake of [...this.#drainWaiters]) wake();
  }

  #checkSendable(data: ChannelMessage): number {
    if (this.#state !== 'open') throw new ChannelNotOpenError(this.#state);
    const size = messageSize(data);
    const limit = this.#native.maxMessageSize();
    if (size > limit) throw new MessageTooLargeError(size, limit);
    return size;
  }

  #sendChecked(data: ChannelMessage, size: number): void {
    try {
      if (typeof data === 'string') this.#native.sendMessage(data);
      else this.#native.sendMessageBinary(data);
    } catch (error) {
      if (!this.#native.isOpen() && this.#state === 'open') this.#moveTo('closing');
      if (this.#state !== 'open') throw new ChannelNotOpenError(this.#state);
      throw new ChannelSendError(error instanceof Error ? error.message : String(error), error);
    }
    this.#stats.messagesSent++;
    this.#stats.bytesSent += size;
  }

  #moveTo(to: ChannelState): void {
    const from = this.#state;
    if (!canTransition(from, to)) return;
    this.#state = to;
    this.emit('statechange', { from, to });
    if (to === 'open') this.emit('open', undefined);
    else if (to === 'closing') this.emit('closing', undefined);
    else if (to === 'closed') this.emit('closed', undefined);
    this.#wakeDrainWaiters();
  }
}

function checkLength(what: 'label' | 'protocol', value: string): void {
  if (typeof value !== 'string') throw new InvalidChannelOptionError(what, `${what} must be a string`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_LABEL_BYTES) throw new InvalidChannelOptionError(what, Messages.labelTooLong(what, bytes));
}

function checkWatermarks(options: BackpressureOptions): { high: number; low: number } {
  const high = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const low = options.lowWaterMark ?? Math.min(DEFAULT_LOW_WATER_MARK, Math.floor(high / 4));
  if (!Number.isInteger(high) || !Number.isInteger(low) || low < 0 || low >= high)
    throw new InvalidChannelOptionError('highWaterMark', Messages.waterMarks(high, low));
  return { high, low };
}
