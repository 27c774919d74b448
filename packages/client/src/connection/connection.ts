import type { StompFrame, StompHeaders, StompVersion } from '@tsmq/codec';
import { SessionMode, type SessionModeValue } from '../constants.js';
import { TemporaryQueue, TemporaryTopic, type Destination, type TemporaryDestinationOwner } from '../destination.js';
import { IllegalStateException, JMSException } from '../errors.js';
import type { TlsSettings, TransportConnector } from '../transport/transport.js';
import type { BrokerEndpoint, FailoverOptions } from '../url.js';
import type { MessageConsumer } from './message-consumer.js';
import { Session } from './session.js';
import { StompClient, type Credentials } from './stomp-client.js';

/** JMS `ExceptionListener`: told when the connection fails for good. */
export type ExceptionListener = (exception: JMSException) => void;

/** What `Connection.getMetaData()` returns (JMS `ConnectionMetaData`). */
export interface ConnectionMetaData {
  JMSVersion: string;
  JMSMajorVersion: number;
  JMSMinorVersion: number;
  JMSProviderName: string;
  ProviderVersion: string;
  /** JMSX properties this provider supports. */
  JMSXPropertyNames: string[];
  /** The negotiated STOMP version. */
  stompVersion: string;
  /** The broker's `server` header, e.g. `tsmq/0.1.0` or `ActiveMQ/5.18.3`. */
  server: string;
}

/** @internal Everything a connection needs, resolved by the factory. */
export interface ConnectionConfig {
  endpoints: BrokerEndpoint[];
  failover: FailoverOptions | null;
  credentials: () => Promise<Credentials> | Credentials;
  virtualHost?: string;
  clientID?: string;
  heartBeat: [number, number];
  maxFrameSize: number;
  connectTimeout: number;
  closeTimeout: number;
  prefetch: number;
  tls?: TlsSettings;
  transportConnector?: TransportConnector;
  acceptVersions?: readonly StompVersion[];
}

/** Where the MESSAGE frames of one subscription go. */
interface Route {
  deliver(frame: StompFrame, epoch: number): void;
  /** The connection dropped: a browse cannot continue. */
  abort?(error: JMSException): void;
}

/** The provider's version, reported in metadata. */
const PROVIDER_VERSION = '0.1.0';

/**
 * JMS `Connection`. The STOMP CONNECT happens on first use (createSession, start, getMetaData), so
 * `setClientID` can still be called right after `createConnection`, as JMS allows.
 */
export class Connection implements TemporaryDestinationOwner {
  private stomp: StompClient | undefined;
  private connecting: Promise<void> | undefined;
  /** The client while its first connect is under way, so close() can abort a failover retry loop. */
  private connectingClient: StompClient | undefined;
  private clientId: string | null;
  private readonly clientIdAdministered: boolean;
  private started = false;
  private closing = false;
  private closed = false;
  private failure: JMSException | undefined;
  private exceptionListener: ExceptionListener | null = null;
  private readonly sessions = new Set<Session>();
  private readonly routes = new Map<string, Route>();
  private readonly consumers = new Map<string, MessageConsumer>();
  private readonly temporaries = new Set<string>();
  private currentEpoch = 0;
  private idSeq = 0;
  private messageSeq = 0;
  private readonly uid = randomId();

  /** @internal Use {@link ConnectionFactory.createConnection}. */
  constructor(private readonly config: ConnectionConfig) {
    this.clientId = config.clientID ?? null;
    this.clientIdAdministered = config.clientID !== undefined;
  }

  /** @internal Prefetch for new subscriptions. */
  get prefetch(): number {
    return this.config.prefetch;
  }

  /** The client ID: needed for durable subscriptions; sent as `client-id` on CONNECT. */
  getClientID(): string | null {
    return this.clientId;
  }

  /**
   * Sets the client ID. JMS 2.0 §6.1.2: only before any other use of the connection, and not when
   * the factory configured one; otherwise IllegalStateException.
   */
  setClientID(clientID: string): void {
    this.checkOpen();
    if (this.clientIdAdministered) throw new IllegalStateException('the client ID was configured on the connection factory');
    if (this.stomp !== undefined || this.connecting !== undefined) {
      throw new IllegalStateException('the client ID must be set before the connection is used');
    }
    if (clientID.length === 0) throw new JMSException('a client ID must not be empty', { code: 'INVALID_CLIENT_ID' });
    this.clientId = clientID;
  }

  getExceptionListener(): ExceptionListener | null {
    return this.exceptionListener;
  }
  /** Called once when the connection fails for good (lost without failover, reconnects exhausted, missed heart-beats). */
  setExceptionListener(listener: ExceptionListener | null): void {
    this.checkOpen();
    this.exceptionListener = listener;
  }

  /** Connects if needed and describes the provider and broker. */
  async getMetaData(): Promise<ConnectionMetaData> {
    await this.ensureConnected();
    return {
      JMSVersion: '2.0',
      JMSMajorVersion: 2,
      JMSMinorVersion: 0,
      JMSProviderName: 'tsmq',
      ProviderVersion: PROVIDER_VERSION,
      JMSXPropertyNames: ['JMSXDeliveryCount', 'JMSXGroupID', 'JMSXGroupSeq'],
      stompVersion: this.client().version,
      server: this.client().serverName,
    };
  }

  /**
   * Creates a session. JMS 1.1 form `(transacted, acknowledgeMode)` or JMS 2.0 form `(sessionMode)`;
   * no argument means AUTO_ACKNOWLEDGE.
   */
  async createSession(transacted?: boolean, acknowledgeMode?: SessionModeValue): Promise<Session>;
  async createSession(sessionMode?: SessionModeValue): Promise<Session>;
  async createSession(a?: boolean | SessionModeValue, b?: SessionModeValue): Promise<Session> {
    this.checkOpen();
    let mode: SessionModeValue;
    if (typeof a === 'boolean') mode = a ? SessionMode.SESSION_TRANSACTED : (b ?? SessionMode.AUTO_ACKNOWLEDGE);
    else mode = a ?? SessionMode.AUTO_ACKNOWLEDGE;
    if (![0, 1, 2, 3, 4].includes(mode)) throw new JMSException(`invalid session mode ${String(mode)}`, { code: 'INVALID_SESSION_MODE' });
    await this.ensureConnected();
    const session = new Session(this, mode, this.nextId('s'));
    this.sessions.add(session);
    return session;
  }

  /** Starts (or resumes) delivery to consumers. Until then `receive` waits and listeners are not called. */
  async start(): Promise<void> {
    this.checkOpen();
    await this.ensureConnected();
    this.started = true;
    for (const c of this.consumers.values()) c.wakeAll();
    for (const s of this.sessions) s.pump();
  }

  /**
   * Pauses delivery; resolves once running listeners have returned (JMS 2.0 §6.1.5). Do not await it
   * from inside a listener of this connection: it would wait for itself.
   */
  async stop(): Promise<void> {
    this.checkOpen();
    this.started = false;
    await Promise.all([...this.sessions].map((s) => s.idle()));
  }

  /**
   * Closes sessions, consumers and producers, rolls back open transactions and disconnects.
   * Temporary destinations go with it. Closing twice is harmless.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.started = false;
    try {
      for (const s of [...this.sessions]) await s.close().catch(() => undefined);
      if (this.connecting !== undefined) {
        await this.connectingClient?.close();
        await this.connecting.catch(() => undefined);
      }
      await this.stomp?.close();
    } finally {
      this.closed = true;
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  /** @internal */
  checkOpen(): void {
    if (this.closing || this.closed) throw new IllegalStateException('the connection is closed');
    if (this.failure !== undefined) {
      throw new IllegalStateException(`the connection failed: ${this.failure.message}`, { cause: this.failure });
    }
  }
  /** @internal */
  isStarted(): boolean {
    return this.started && !this.closing;
  }
  /** @internal Bumped when failover replaces the STOMP connection. */
  epoch(): number {
    return this.currentEpoch;
  }
  /** @internal */
  nextId(prefix: string): string {
    return `${prefix}-${++this.idSeq}`;
  }
  /** @internal A JMSMessageID unique to this connection. */
  nextMessageId(): string {
    return `ID:${this.uid}-${++this.messageSeq}`;
  }
  /** @internal The STOMP client; the connection must be connected. */
  client(): StompClient {
    if (this.stomp === undefined) throw new IllegalStateException('the connection is not connected');
    return this.stomp;
  }

  /** @internal Connects once; later calls wait for the same attempt. */
  async ensureConnected(): Promise<void> {
    this.checkOpen();
    if (this.stomp !== undefined && this.connecting === undefined) return;
    this.connecting ??= this.connect();
    await this.connecting;
  }

  private async connect(): Promise<void> {
    const client = (this.connectingClient = new StompClient(
      {
        endpoints: this.config.endpoints,
        failover: this.config.failover,
        credentials: this.config.credentials,
        virtualHost: this.config.virtualHost,
        clientId: this.clientId ?? undefined,
        heartBeat: this.config.heartBeat,
        maxFrameSize: this.config.maxFrameSize,
        connectTimeout: this.config.connectTimeout,
        closeTimeout: this.config.closeTimeout,
        tls: this.config.tls,
        transportConnector: this.config.transportConnector,
        acceptVersions: this.config.acceptVersions,
      },
      {
        message: (frame) => this.onMessage(frame),
        interrupted: () => this.onInterrupted(),
        resumed: () => undefined,
        failed: (error) => this.onFailed(error),
      },
    ));
    try {
      await client.connect();
      this.stomp = client;
    } finally {
      this.connecting = undefined;
      this.connectingClient = undefined;
    }
  }

  /** @internal Subscribes a consumer (with a receipt, so broker refusals reject here). */
  async registerConsumer(consumer: MessageConsumer, headers: StompHeaders): Promise<void> {
    const id = consumer.subscriptionId;
    if (this.routes.has(id)) throw new IllegalStateException(`subscription ${id} is already active`);
    this.consumers.set(id, consumer);
    this.routes.set(id, { deliver: (frame, epoch) => consumer.session.deliver(consumer, { frame, epoch }) });
    try {
      await this.client().subscribe(id, headers, true);
    } catch (e) {
      this.consumers.delete(id);
      this.routes.delete(id);
      throw e;
    }
  }

  /** @internal UNSUBSCRIBE unless the whole connection is going away (DISCONNECT cleans up). */
  async unregisterConsumer(consumer: MessageConsumer, sessionClosing: boolean): Promise<void> {
    const id = consumer.subscriptionId;
    if (this.consumers.get(id) !== consumer) return;
    this.consumers.delete(id);
    this.routes.delete(id);
    // DISCONNECT ends every subscription (durable ones go offline), so a closing connection skips UNSUBSCRIBE.
    if (this.stomp === undefined || this.failure !== undefined || this.closing) return;
    await this.stomp.unsubscribe(id, {}, !sessionClosing);
  }

  /** @internal Subscribes a browse (not restored after failover: a browse is a snapshot). */
  async registerBrowser(id: string, headers: StompHeaders, route: Route): Promise<void> {
    this.routes.set(id, route);
    try {
      await this.client().subscribe(id, headers, true, false);
    } catch (e) {
      this.routes.delete(id);
      throw e;
    }
  }
  /** @internal */
  async unregisterBrowser(id: string): Promise<void> {
    if (!this.routes.delete(id)) return;
    if (this.stomp?.isOpen) await this.stomp.unsubscribe(id, {}, false).catch(() => undefined);
  }

  /** @internal True when this connection has an open consumer on the named durable subscription. */
  hasDurableConsumer(name: string): boolean {
    for (const c of this.consumers.values()) if (c.specification.subscriptionName === name) return true;
    return false;
  }

  /** @internal */
  sessionClosed(session: Session): void {
    this.sessions.delete(session);
  }

  /** @internal */
  createTemporary(kind: 'queue'): TemporaryQueue;
  createTemporary(kind: 'topic'): TemporaryTopic;
  createTemporary(kind: 'queue' | 'topic'): TemporaryQueue | TemporaryTopic {
    const name = `${this.uid}-${++this.idSeq}`;
    const destination = kind === 'queue' ? new TemporaryQueue(name, this) : new TemporaryTopic(name, this);
    this.temporaries.add(destination.stompName);
    return destination;
  }

  /** @internal JMS: a temporary destination with consumers cannot be deleted. */
  async deleteTemporaryDestination(destination: Destination): Promise<void> {
    this.checkOpen();
    if (!this.temporaries.has(destination.stompName)) {
      throw new IllegalStateException(`${destination.toString()} was not created by this connection or is already deleted`);
    }
    for (const c of this.consumers.values()) {
      if (c.getDestination().equals(destination)) {
        throw new IllegalStateException(`${destination.toString()} still has a consumer; close it first`);
      }
    }
    // STOMP has no delete command: the broker discards the destination when this connection ends.
    this.temporaries.delete(destination.stompName);
  }

  private onMessage(frame: StompFrame): void {
    const id = frame.headers['subscription'];
    const route = id === undefined ? undefined : this.routes.get(id);
    route?.deliver(frame, this.currentEpoch);
  }

  private onInterrupted(): void {
    this.currentEpoch++;
    for (const s of this.sessions) {
      s.connectionInterrupted();
      s.connectionResumed(this.currentEpoch);
    }
    const lost = new JMSException('the connection failed over during a browse', { code: 'CONNECTION_LOST' });
    for (const [id, route] of this.routes) {
      if (route.abort !== undefined) {
        this.routes.delete(id);
        route.abort(lost);
      }
    }
  }

  private onFailed(error: JMSException): void {
    if (this.closing) return;
    this.failure = error;
    this.started = false;
    for (const route of this.routes.values()) route.abort?.(error);
    for (const c of this.consumers.values()) c.wakeAll();
    this.exceptionListener?.(error);
  }
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
