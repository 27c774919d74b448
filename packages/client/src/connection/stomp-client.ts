/**
 * The STOMP session under a JMS connection: CONNECT, heart-beats, receipts, write batching and
 * backpressure, and ActiveMQ-style failover (reconnect with back-off, re-subscribe, then flush
 * what was queued during the outage).
 * @packageDocumentation
 */
import {
  FrameParser,
  NUL_BYTE,
  SERVER_COMMANDS,
  encodeFrame,
  encodeFrameHead,
  parseHeartBeat,
  utf8Decode,
  type StompFrame,
  type StompHeaders,
  type StompVersion,
} from '@tsmq/codec';
import {
  IllegalStateException,
  JMSException,
  ResourceAllocationException,
  exceptionFromBrokerError,
  isAuthenticationCode,
} from '../errors.js';
import { getDefaultTransportConnector, type TlsSettings, type Transport, type TransportConnector } from '../transport/transport.js';
import { reconnectDelay, type BrokerEndpoint, type FailoverOptions } from '../url.js';

/** Login and passcode for CONNECT. */
export interface Credentials {
  login?: string;
  passcode?: string;
}

/** How a {@link StompClient} connects. */
export interface StompClientOptions {
  endpoints: BrokerEndpoint[];
  /** Null: one endpoint, no reconnection. */
  failover: FailoverOptions | null;
  /** Called before every (re)connect, so rotating credentials are picked up. */
  credentials: () => Promise<Credentials> | Credentials;
  /** CONNECT `host` header; defaults to the endpoint's host. */
  virtualHost?: string;
  clientId?: string;
  /** [can send every ms, want to receive every ms]; 0 disables (STOMP 1.2 §Heart-beating). */
  heartBeat: [number, number];
  /** Largest frame body sent or accepted. */
  maxFrameSize: number;
  connectTimeout: number;
  /** How long close() waits for the DISCONNECT receipt. */
  closeTimeout: number;
  tls?: TlsSettings;
  /** Replaces the transport opener (tests, custom transports). */
  transportConnector?: TransportConnector;
  /** STOMP versions offered in CONNECT; default all three. */
  acceptVersions?: readonly StompVersion[];
}

/** What the client tells the connection above it. */
export interface StompClientListener {
  /** A MESSAGE frame arrived. */
  message(frame: StompFrame): void;
  /** The connection dropped and failover is reconnecting: deliveries and transactions of the old one are void. */
  interrupted(reason: JMSException): void;
  /** Reconnected and re-subscribed; called before frames queued during the outage are sent. */
  resumed(): void;
  /** The connection is gone for good (no failover, attempts exhausted, authentication refused). */
  failed(error: JMSException): void;
}

type State = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed' | 'failed';

/** An encoded frame: one buffer, or head, body and NUL for large bodies (sent without copying the body). */
type EncodedFrame = Uint8Array[];

interface ReceiptWaiter {
  command: string;
  /** The encoded frame, kept so a non-transacted SEND can be replayed after failover. */
  bytes: EncodedFrame;
  replayable: boolean;
  resolve(frame: StompFrame): void;
  reject(error: unknown): void;
}

interface QueuedFrame {
  bytes: EncodedFrame;
  receiptId: string | undefined;
  /** Settles the sender's promise when the frame is finally written (frames without a receipt). */
  written?: { resolve(): void; reject(e: unknown): void };
  timer?: ReturnType<typeof setTimeout>;
}

/** Writes coalesced into one transport write stay below this size (larger frames go alone). */
const COALESCE_LIMIT = 64 * 1024;
const HEARTBEAT_EOL = new Uint8Array([0x0a]);

/** Frames that mean nothing on a new connection: their deliveries are redelivered anyway. */
const CONNECTION_BOUND = new Set(['ACK', 'NACK']);

/** A STOMP connection with optional failover. One instance per JMS Connection. */
export class StompClient {
  private state: State = 'idle';
  private transport: Transport | undefined;
  private parser: FrameParser | undefined;
  private negotiated: StompVersion = '1.0';
  private server = '';
  private sessionId = '';
  private receiptSeq = 0;
  private readonly receipts = new Map<string, ReceiptWaiter>();
  /** Frames given while reconnecting; sent after re-subscribing. */
  private outage: QueuedFrame[] = [];
  /** SUBSCRIBE headers by subscription id, in subscription order: replayed after failover. */
  private readonly subscriptions = new Map<string, StompHeaders>();
  private pendingWrites: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private writable = true;
  private drainWaiters: (() => void)[] = [];
  private lastReceived = 0;
  private lastWritten = 0;
  private sendTimer: ReturnType<typeof setInterval> | undefined;
  private checkTimer: ReturnType<typeof setInterval> | undefined;
  private connectWaiter: { resolve(frame: StompFrame): void; reject(e: unknown): void } | undefined;
  /** The ERROR that preceded a close, reported as the reason. */
  private brokerError: JMSException | undefined;
  private closeReason: JMSException | undefined;
  private reconnectTimer: { cancel(): void } | undefined;

  constructor(
    private readonly options: StompClientOptions,
    private readonly listener: StompClientListener,
  ) {}

  /** The negotiated STOMP version. */
  get version(): StompVersion {
    return this.negotiated;
  }
  /** The broker's `server` header from CONNECTED. */
  get serverName(): string {
    return this.server;
  }
  /** The broker's `session` header from CONNECTED. */
  get brokerSession(): string {
    return this.sessionId;
  }
  /** True while frames can be written now (not reconnecting, not closed). */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Connects for the first time, retrying per the failover startup options. */
  async connect(): Promise<void> {
    if (this.state !== 'idle') throw new IllegalStateException(`cannot connect: the connection is ${this.state}`);
    this.state = 'connecting';
    try {
      await this.connectWithRetries(true);
    } catch (e) {
      if (this.state === 'connecting') this.state = 'failed';
      throw e;
    }
    if (this.state !== 'connecting') {
      // close() was called while connecting.
      this.transport?.close();
      throw new IllegalStateException('the connection was closed while connecting');
    }
    this.state = 'open';
  }

  /**
   * Sends a frame. Frames are written in call order, always: the frame is queued synchronously and
   * the returned promise applies the backpressure (it waits while the output is full). With
   * `receipt`, it resolves with the RECEIPT (or rejects with the broker's ERROR as a JMS exception).
   * While failover reconnects, frames are queued (ACK/NACK are dropped: their deliveries will be
   * redelivered). `contentLength: false` leaves out the content-length header, which ActiveMQ
   * requires before it applies a `transformation`; the body must then hold no NUL byte.
   */
  send(
    command: string,
    headers: StompHeaders,
    body?: Uint8Array,
    receipt = false,
    contentLength = true,
  ): Promise<StompFrame | undefined> {
    try {
      this.checkUsable();
      if (body !== undefined && body.length > this.options.maxFrameSize) {
        throw new ResourceAllocationException(
          `the ${command} body of ${body.length} bytes exceeds the maximum frame size of ${this.options.maxFrameSize} bytes (maxFrameSize)`,
          { code: 'FRAME_TOO_LARGE' },
        );
      }
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.state !== 'open' && CONNECTION_BOUND.has(command)) return Promise.resolve(undefined);
    let receiptId: string | undefined;
    if (receipt) {
      receiptId = `r-${++this.receiptSeq}`;
      headers['receipt'] = receiptId;
    }
    let bytes: EncodedFrame;
    try {
      bytes =
        body !== undefined && body.length >= COALESCE_LIMIT
          ? [encodeFrameHead(command, headers, body.length, { version: this.negotiated, contentLength }), body, NUL_BYTE]
          : [encodeFrame(command, headers, body, { version: this.negotiated, contentLength })];
    } catch (e) {
      return Promise.reject(e);
    }
    let confirmed: Promise<StompFrame | undefined> | undefined;
    if (receiptId !== undefined) {
      const id = receiptId;
      confirmed = new Promise<StompFrame>((resolve, reject) => {
        const replayable = command === 'SEND' && headers['transaction'] === undefined;
        this.receipts.set(id, { command, bytes, replayable, resolve, reject });
      });
    }
    if (this.state === 'open') {
      this.write(bytes);
      if (confirmed !== undefined) return confirmed;
      return this.writable ? Promise.resolve(undefined) : this.whenWritable().then(() => undefined);
    }
    // Reconnecting: the caller waits until the frame is written after the reconnect, or until the
    // failover `timeout` gives up on it, so a producer cannot queue without bound meanwhile.
    const queued: QueuedFrame = { bytes, receiptId };
    const written = new Promise<undefined>((resolve, reject) => {
      queued.written = { resolve: () => resolve(undefined), reject };
    });
    this.armSendTimeout(queued, command);
    this.outage.push(queued);
    if (confirmed !== undefined) {
      written.catch(() => undefined);
      return confirmed;
    }
    return written;
  }

  /** Applies the failover `timeout` option to a frame waiting for the reconnection. */
  private armSendTimeout(queued: QueuedFrame, command: string): void {
    const timeout = this.options.failover?.timeout ?? -1;
    if (timeout <= 0) return;
    queued.timer = setTimeout(() => {
      const i = this.outage.indexOf(queued);
      if (i < 0) return;
      this.outage.splice(i, 1);
      const error = new JMSException(`not reconnected within the failover timeout of ${timeout} ms; ${command} was not sent`, {
        code: 'SEND_TIMEOUT',
      });
      if (queued.receiptId !== undefined) {
        const waiter = this.receipts.get(queued.receiptId);
        this.receipts.delete(queued.receiptId);
        waiter?.reject(error);
      }
      queued.written?.reject(error);
    }, timeout);
  }

  private whenWritable(): Promise<void> {
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Subscribes and remembers the subscription so failover restores it with the same id. */
  async subscribe(id: string, headers: StompHeaders, receipt: boolean, restoreOnFailover = true): Promise<void> {
    const all = { ...headers, id };
    if (restoreOnFailover) {
      this.checkUsable();
      this.subscriptions.set(id, all);
      // The reconnect subscribes everything in the registry; sending it too would subscribe twice.
      if (this.state === 'reconnecting') return;
    }
    try {
      await this.send('SUBSCRIBE', { ...all }, undefined, receipt);
    } catch (e) {
      this.subscriptions.delete(id);
      throw e;
    }
  }

  /** Unsubscribes and forgets the subscription. */
  async unsubscribe(id: string, extra: StompHeaders = {}, receipt = true): Promise<void> {
    this.subscriptions.delete(id);
    // While reconnecting there is nothing to undo: the reconnect only subscribes what the registry holds.
    if (this.state !== 'open') return;
    await this.send('UNSUBSCRIBE', { ...extra, id }, undefined, receipt);
  }

  /** DISCONNECT (waiting a bounded time for its receipt) and close the transport. */
  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing') return;
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.reconnectTimer?.cancel();
    if (wasOpen && this.transport !== undefined) {
      const receiptId = `r-${++this.receiptSeq}`;
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeTimeout);
        this.receipts.set(receiptId, {
          command: 'DISCONNECT',
          bytes: [],
          replayable: false,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
      this.write([encodeFrame('DISCONNECT', { receipt: receiptId }, undefined, { version: this.negotiated })]);
      await done;
    }
    this.state = 'closed';
    this.stopHeartbeats();
    this.transport?.close();
    this.transport = undefined;
    this.failPending(new IllegalStateException('the connection is closed'));
  }

  // ---- connecting ----------------------------------------------------------------------------

  private async connectWithRetries(startup: boolean): Promise<void> {
    const failover = this.options.failover;
    if (failover === null) {
      await this.connectTo(this.options.endpoints[0]!);
      return;
    }
    const maxAttempts =
      startup && failover.startupMaxReconnectAttempts !== -1 ? failover.startupMaxReconnectAttempts : failover.maxReconnectAttempts;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      const endpoints = failover.randomize ? shuffle(this.options.endpoints) : this.options.endpoints;
      for (const endpoint of endpoints) {
        if (this.state === 'closing' || this.state === 'closed') throw new IllegalStateException('the connection was closed');
        try {
          await this.connectTo(endpoint);
          return;
        } catch (e) {
          // A broker that refuses the credentials will refuse them again: stop here.
          if (e instanceof JMSException && isAuthenticationCode(e.code)) throw e;
          lastError = e;
        }
      }
      // At startup the first round is not a "reconnect"; ActiveMQ counts attempts after it.
      if (maxAttempts >= 0 && attempt >= maxAttempts) break;
      await this.sleep(reconnectDelay(failover, attempt));
    }
    throw lastError instanceof JMSException
      ? lastError
      : new JMSException(`could not connect to any broker: ${describe(lastError)}`, { code: 'CONNECTION_FAILED', cause: lastError });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.reconnectTimer = undefined;
        resolve();
      }, ms);
      this.reconnectTimer = {
        cancel: () => {
          clearTimeout(timer);
          reject(new IllegalStateException('the connection was closed'));
        },
      };
    });
  }

  private async connectTo(endpoint: BrokerEndpoint): Promise<void> {
    const credentials = await this.options.credentials();
    const connector = this.options.transportConnector ?? getDefaultTransportConnector();
    this.negotiated = '1.0';
    this.brokerError = undefined;
    this.parser = new FrameParser(
      (frame) => this.onFrame(frame),
      { maxFrameSize: this.options.maxFrameSize, commands: SERVER_COMMANDS },
      () => {
        this.lastReceived = Date.now();
      },
    );
    let transport: Transport;
    try {
      transport = await connector(endpoint, this.transportEvents(), {
        connectTimeout: this.options.connectTimeout,
        tls: this.options.tls,
      });
    } catch (e) {
      if (e instanceof JMSException) throw e;
      throw new JMSException(`could not connect to ${endpoint.url}: ${describe(e)}`, { code: 'CONNECTION_FAILED', cause: e });
    }
    this.transport = transport;
    this.writable = true;
    const headers: StompHeaders = {
      'accept-version': (this.options.acceptVersions ?? ['1.0', '1.1', '1.2']).join(','),
      host: this.options.virtualHost ?? endpoint.host,
      'heart-beat': `${this.options.heartBeat[0]},${this.options.heartBeat[1]}`,
    };
    if (credentials.login !== undefined) headers['login'] = credentials.login;
    if (credentials.passcode !== undefined) headers['passcode'] = credentials.passcode;
    if (this.options.clientId !== undefined) headers['client-id'] = this.options.clientId;

    const connected = new Promise<StompFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new JMSException(`no CONNECTED from ${endpoint.url} within ${this.options.connectTimeout} ms`, { code: 'CONNECT_TIMEOUT' }));
      }, this.options.connectTimeout);
      this.connectWaiter = {
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
    transport.write(encodeFrame('CONNECT', headers, undefined, { version: '1.0' }));
    let frame: StompFrame;
    try {
      frame = await connected;
    } catch (e) {
      this.connectWaiter = undefined;
      this.transport = undefined;
      transport.close();
      throw e;
    }
    this.connectWaiter = undefined;
    const version = frame.headers['version'];
    this.negotiated = version === '1.1' || version === '1.2' ? version : '1.0';
    this.parser.setVersion(this.negotiated);
    this.server = frame.headers['server'] ?? '';
    this.sessionId = frame.headers['session'] ?? '';
    this.startHeartbeats(frame.headers['heart-beat']);
  }

  private transportEvents() {
    return {
      data: (chunk: Uint8Array) => {
        this.lastReceived = Date.now();
        try {
          this.parser?.push(chunk);
        } catch (e) {
          const error =
            e instanceof JMSException
              ? e
              : new JMSException(`unreadable data from the broker: ${describe(e)}`, {
                  code: (e as { code?: string }).code ?? 'PROTOCOL_ERROR',
                  cause: e,
                });
          this.closeReason = error;
          this.transport?.close();
        }
      },
      drain: () => {
        this.writable = true;
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        for (const w of waiters) w();
      },
      closed: (error: Error | undefined) => this.onTransportClosed(error),
    };
  }

  // ---- incoming frames -----------------------------------------------------------------------

  private onFrame(frame: StompFrame): void {
    switch (frame.command) {
      case 'MESSAGE':
        this.listener.message(frame);
        return;
      case 'RECEIPT': {
        const id = frame.headers['receipt-id'];
        const waiter = id === undefined ? undefined : this.receipts.get(id);
        if (waiter !== undefined) {
          this.receipts.delete(id!);
          waiter.resolve(frame);
        }
        return;
      }
      case 'CONNECTED':
        this.connectWaiter?.resolve(frame);
        return;
      case 'ERROR': {
        const error = exceptionFromBrokerError({
          message: frame.headers['message'] ?? 'broker error',
          code: frame.headers['code'],
          detail: frame.body.length > 0 ? utf8Decode(frame.body) : undefined,
          receiptId: frame.headers['receipt-id'],
        });
        if (this.connectWaiter !== undefined) {
          this.connectWaiter.reject(error);
          return;
        }
        const id = frame.headers['receipt-id'];
        const waiter = id === undefined ? undefined : this.receipts.get(id);
        if (waiter !== undefined) {
          this.receipts.delete(id!);
          waiter.reject(error);
        }
        // STOMP 1.2 §ERROR: the connection ends after an ERROR, and that close reports it. Some
        // brokers (RabbitMQ) keep the socket open, which would leave every pending receipt waiting
        // forever: the client closes it itself.
        this.brokerError = error;
        this.transport?.close();
        return;
      }
    }
  }

  private onTransportClosed(error: Error | undefined): void {
    this.stopHeartbeats();
    this.transport = undefined;
    this.writable = true;
    if (this.connectWaiter !== undefined) {
      this.connectWaiter.reject(
        this.brokerError ?? new JMSException(`the broker closed the connection during CONNECT${error ? `: ${error.message}` : ''}`, { code: 'CONNECTION_LOST' }),
      );
      return;
    }
    if (this.state === 'closing') {
      // The broker went away before answering DISCONNECT: nothing more will come.
      this.failPending(new IllegalStateException('the connection is closed'));
      return;
    }
    if (this.state !== 'open') return;
    const reason =
      this.closeReason ??
      this.brokerError ??
      new JMSException(`connection to the broker lost${error ? `: ${error.message}` : ''}`, { code: 'CONNECTION_LOST', cause: error });
    this.closeReason = undefined;
    const drains = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of drains) w();
    if (this.options.failover === null || this.options.failover.maxReconnectAttempts === 0 || isAuthenticationCode(reason.code)) {
      this.state = 'failed';
      this.failPending(reason);
      this.listener.failed(reason);
      return;
    }
    this.state = 'reconnecting';
    this.requeueInFlight();
    this.listener.interrupted(reason);
    void this.reconnect();
  }

  /** Receipts outstanding when the connection dropped: replay plain SENDs, settle the rest. */
  private requeueInFlight(): void {
    const replay: QueuedFrame[] = [];
    for (const [id, waiter] of this.receipts) {
      if (waiter.replayable) {
        const queued: QueuedFrame = { bytes: waiter.bytes, receiptId: id };
        this.armSendTimeout(queued, waiter.command);
        replay.push(queued);
      } else if (waiter.command === 'SUBSCRIBE' || waiter.command === 'UNSUBSCRIBE') {
        // The registry decides what is subscribed after reconnecting.
        this.receipts.delete(id);
        waiter.resolve({ command: 'RECEIPT', headers: { 'receipt-id': id }, body: new Uint8Array(0) });
      } else {
        this.receipts.delete(id);
        waiter.reject(new JMSException(`connection lost before the broker confirmed ${waiter.command}`, { code: 'CONNECTION_LOST' }));
      }
    }
    this.outage = [...replay, ...this.outage.filter((q) => !replay.some((r) => r.receiptId !== undefined && r.receiptId === q.receiptId))];
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connectWithRetries(false);
    } catch (e) {
      if (this.state !== 'reconnecting') return;
      this.state = 'failed';
      const error = e instanceof JMSException ? e : new JMSException(describe(e), { code: 'CONNECTION_FAILED', cause: e });
      this.failPending(error);
      this.listener.failed(error);
      return;
    }
    if (this.state !== 'reconnecting') {
      this.transport?.close();
      return;
    }
    this.state = 'open';
    // Subscriptions first, so nothing sent from the outage queue can miss a consumer.
    for (const headers of this.subscriptions.values()) {
      this.write([encodeFrame('SUBSCRIBE', headers, undefined, { version: this.negotiated })]);
    }
    this.listener.resumed();
    const queued = this.outage;
    this.outage = [];
    for (const q of queued) {
      if (q.timer !== undefined) clearTimeout(q.timer);
      this.write(q.bytes);
      q.written?.resolve();
    }
  }

  private failPending(error: unknown): void {
    for (const waiter of this.receipts.values()) waiter.reject(error);
    this.receipts.clear();
    for (const q of this.outage) {
      if (q.timer !== undefined) clearTimeout(q.timer);
      q.written?.reject(error);
    }
    this.outage = [];
    const drains = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of drains) w();
  }

  private checkUsable(): void {
    if (this.state === 'open' || this.state === 'reconnecting') return;
    throw new IllegalStateException(`the connection is ${this.state === 'failed' ? 'broken' : this.state}`);
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Coalesces small frames written in the same tick into one transport write; large parts go as they are. */
  private write(frame: EncodedFrame): void {
    for (const part of frame) {
      if (part.length >= COALESCE_LIMIT) {
        this.flush();
        this.writeNow(part);
        continue;
      }
      this.pendingWrites.push(part);
      this.pendingBytes += part.length;
    }
    if (this.pendingBytes >= COALESCE_LIMIT) {
      this.flush();
    } else if (this.pendingWrites.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const parts = this.pendingWrites;
    if (parts.length === 0) return;
    this.pendingWrites = [];
    const total = this.pendingBytes;
    this.pendingBytes = 0;
    if (parts.length === 1) {
      this.writeNow(parts[0]!);
      return;
    }
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) {
      joined.set(p, offset);
      offset += p.length;
    }
    this.writeNow(joined);
  }

  private writeNow(bytes: Uint8Array): void {
    if (this.transport === undefined) return;
    this.lastWritten = Date.now();
    if (!this.transport.write(bytes)) this.writable = false;
  }

  // ---- heart-beating -------------------------------------------------------------------------

  private startHeartbeats(serverHeader: string | undefined): void {
    let sx = 0;
    let sy = 0;
    try {
      [sx, sy] = parseHeartBeat(serverHeader);
    } catch {
      // A malformed server value disables heart-beating rather than failing the connection.
    }
    const [cx, cy] = this.options.heartBeat;
    const sendEvery = cx > 0 && sy > 0 ? Math.max(cx, sy) : 0;
    const expectEvery = cy > 0 && sx > 0 ? Math.max(cy, sx) : 0;
    this.lastReceived = Date.now();
    if (sendEvery > 0) {
      // Checking every half period and beating after half a period of silence keeps every gap
      // under one period, inside any grace the broker allows.
      const half = Math.max(1, Math.floor(sendEvery / 2));
      this.lastWritten = Date.now();
      this.sendTimer = setInterval(() => {
        if (Date.now() - this.lastWritten >= half) this.writeNow(HEARTBEAT_EOL);
      }, half);
    }
    if (expectEvery > 0) {
      // Twice the period as grace, as ActiveMQ and most STOMP clients allow for timer jitter.
      const limit = expectEvery * 2;
      this.checkTimer = setInterval(() => {
        const silent = Date.now() - this.lastReceived;
        if (silent > limit && this.transport !== undefined) {
          this.closeReason = new JMSException(
            `missed broker heart-beat: nothing received for ${silent} ms (expected every ${expectEvery} ms)`,
            { code: 'HEARTBEAT_MISSED' },
          );
          this.transport.close();
        }
      }, Math.max(10, Math.floor(expectEvery / 2)));
    }
  }

  private stopHeartbeats(): void {
    if (this.sendTimer !== undefined) clearInterval(this.sendTimer);
    if (this.checkTimer !== undefined) clearInterval(this.checkTimer);
    this.sendTimer = undefined;
    this.checkTimer = undefined;
  }
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
