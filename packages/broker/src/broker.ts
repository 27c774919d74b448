import { randomBytes } from 'node:crypto';
import { encodeFrame, utf8Encode } from '@tsmq/codec';
import {
  type BrokerConfig,
  type BrokerConfigInput,
  resolveBrokerConfig,
  type TransportConnectorConfig,
} from '@tsmq/config';
import { type BrokerIdentity, type BrokerStats, formatStatusLine, statisticsReplies, type StoreCounters, usageFigure } from './metrics/statistics.js';
import { type Authorizer, createAuthorizer } from './security/authorization.js';
import { MemoryUsage } from './core/memory-usage.js';
import { DestinationRegistry } from './core/registry.js';
import { BrokerStartError } from './errors.js';
import { consoleLogger, type Logger } from './logger.js';
import { acceptAnyone, type Authenticator, simpleAuthenticator } from './protocol/authenticator.js';
import { type ConnectionContext, StompConnection } from './protocol/stomp-connection.js';
import { createMessageStore, createTransientStore } from './store/index.js';
import { MemoryMessageStore } from './store/memory-store.js';
import { SpoolingMessageStore } from './store/spooling-store.js';
import type { MessageStore } from './store/message-store.js';
import { startTcpConnector } from './transport/tcp.js';
import type { Connector, StompTransport } from './transport/transport.js';
import { startWebSocketConnector } from './transport/websocket.js';

/** Options of {@link Broker}: the configuration plus what only code can supply. */
export type BrokerOptions = BrokerConfigInput & {
  /** Where the broker logs; default {@link consoleLogger}. */
  logger?: Logger;
  /** Store for persistent messages; default: the one the configuration asks for. */
  store?: MessageStore;
  /** Who may connect; default: the configured `authentication` users, or anyone when there are none. */
  authenticator?: Authenticator;
};

/** Where a connector listens, with port 0 resolved to the real port. */
export interface BoundAddress {
  /** The connector's name. */
  name: string;
  protocol: TransportConnectorConfig['protocol'];
  host: string;
  port: number;
  /** e.g. `stomp://127.0.0.1:61613` or `ws://127.0.0.1:61614`. */
  url: string;
}

export type { BrokerStats } from './metrics/statistics.js';

interface RunningConnector {
  config: TransportConnectorConfig;
  connector: Connector;
  open: number;
  /** Shared by all the connector's connections: one object, not a set of closures per connection. */
  context?: ConnectionContext;
}

/**
 * A STOMP broker: listens on the configured connectors and routes messages between clients.
 *
 * ```ts
 * const broker = new Broker({ transportConnectors: [{ protocol: 'stomp', host: '127.0.0.1', port: 0 }] });
 * await broker.start();
 * console.log(broker.addresses());
 * await broker.stop();
 * ```
 */
export class Broker {
  /** The resolved configuration. */
  readonly config: BrokerConfig;
  private readonly logger: Logger;
  private readonly persistentStore: MessageStore;
  private readonly transientStore: MemoryMessageStore;
  private readonly memory: MemoryUsage;
  private readonly authenticator: Authenticator;
  private readonly authorizer: Authorizer | undefined;
  private readonly persistentInMemory: boolean;
  private registry: DestinationRegistry | undefined;
  private readonly connectors: RunningConnector[] = [];
  private readonly connections = new Set<StompConnection>();
  private readonly runId = randomBytes(6).toString('hex');
  private seq = 0;
  private connectionCounter = 0;
  private state: 'new' | 'starting' | 'started' | 'stopping' | 'stopped' = 'new';
  private readonly toFlush: StompConnection[] = [];
  private flushScheduled = false;
  private statusTimer: NodeJS.Timeout | undefined;

  constructor(options: BrokerOptions = {}) {
    const { logger, store, authenticator, ...config } = options;
    this.config = resolveBrokerConfig(config);
    this.logger = logger ?? consoleLogger;
    this.memory = new MemoryUsage(this.config.systemUsage.memoryLimit);
    const created = store ?? createMessageStore(this.config);
    // Without a journal persistent messages live in memory, so they count against memoryLimit too.
    this.persistentInMemory = store === undefined && created instanceof MemoryMessageStore;
    this.persistentStore = this.persistentInMemory
      ? new MemoryMessageStore({ limitBytes: this.config.systemUsage.storeLimit, accounting: this.memory })
      : created;
    // Producers are paused at memoryLimit; the store's own cap is only a backstop for the
    // connections that flow control exempts (see StompConnection.waitForMemory).
    this.transientStore = this.persistentInMemory
      ? new MemoryMessageStore({ limitBytes: 2 * this.config.systemUsage.memoryLimit, accounting: this.memory })
      : createTransientStore(this.config, this.memory, this.logger);
    this.authenticator =
      authenticator ?? (this.config.authentication ? simpleAuthenticator(this.config.authentication) : acceptAnyone);
    // Without an authorizationPlugin the connections skip the checks altogether.
    this.authorizer = this.config.authorization ? createAuthorizer(this.config.authorization) : undefined;
  }

  /**
   * Opens the stores and starts every connector.
   * @throws BrokerStartError when a connector cannot listen or TLS files cannot be read (the
   * connectors already started are stopped again).
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new BrokerStartError(`the broker cannot start: it is ${this.state}`);
    this.state = 'starting';
    try {
      const recovery = await this.persistentStore.open();
      await this.transientStore.open();
      for (const w of recovery.warnings) this.logger.warn(`store: ${w}`);
      this.seq = recovery.lastSeq;
      this.registry = new DestinationRegistry(this.config, this.persistentStore, this.transientStore, this.logger, this.memory, {
        nextSeq: () => ++this.seq,
        messageId: (seq) => `ID:${this.runId}-${seq}`,
      });
      await this.registry.recover(recovery);
      for (const c of this.config.transportConnectors) {
        const accept = (t: StompTransport) => this.accept(running, t);
        const running: RunningConnector = {
          config: c,
          open: 0,
          connector:
            c.protocol === 'ws' || c.protocol === 'wss'
              ? await startWebSocketConnector(c, accept)
              : await startTcpConnector(c, accept),
        };
        this.connectors.push(running);
      }
    } catch (error) {
      // The start failure is what the caller needs to see, not a failure to clean up after it.
      await this.stop().catch((stopError: unknown) => this.logger.error('cleanup after a failed start failed', stopError));
      throw error instanceof BrokerStartError
        ? error
        : new BrokerStartError(`the broker failed to start: ${(error as Error).message}`, { cause: error });
    }
    this.state = 'started';
    for (const a of this.addresses()) this.logger.info(`listening: ${a.url}`);
    if (this.config.statusLogInterval > 0) {
      this.statusTimer = setInterval(() => this.logStatus(), this.config.statusLogInterval * 1000);
      this.statusTimer.unref();
    }
  }

  /** Stops accepting, closes every connection, then closes the stores. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    if (this.statusTimer) clearInterval(this.statusTimer);
    const closing = this.connectors.map((c) => c.connector.close());
    for (const conn of [...this.connections]) conn.shutdown();
    await Promise.all(closing);
    this.connectors.length = 0;
    this.registry?.stop();
    await this.persistentStore.close();
    await this.transientStore.close();
    this.state = 'stopped';
  }

  /** Where each connector listens (port 0 replaced by the bound port). */
  addresses(): BoundAddress[] {
    return this.connectors.map(({ config, connector }) => {
      const { host, port } = connector.address();
      return { name: config.name, protocol: config.protocol, host, port, url: `${config.protocol}://${host}:${port}` };
    });
  }

  /** Current connections and per-destination depth, in-flight and consumer counts. */
  stats(): BrokerStats {
    const destinations = this.registry?.stats() ?? [];
    let enqueued = 0;
    let dequeued = 0;
    for (const d of destinations) {
      enqueued += d.enqueued;
      dequeued += d.dequeued;
    }
    const persistentStoreBytes = this.persistentStore.usage().bytes;
    const limits = this.config.systemUsage;
    const stats: BrokerStats = {
      connections: this.connections.size,
      destinations,
      memoryStoreBytes: this.transientStore.usage().bytes,
      persistentStoreBytes,
      memoryBytes: this.memory.bytes,
      usage: {
        memory: usageFigure(this.memory.bytes, this.memory.limit),
        store: usageFigure(persistentStoreBytes, limits.storeLimit),
        temp: usageFigure(this.tempUsage?.bytes ?? 0, limits.tempLimit),
      },
      enqueued,
      dequeued,
    };
    const counters = storeCounters(this.persistentStore);
    if (counters) stats.store = counters;
    return stats;
  }

  /** Bytes of non-persistent messages spooled to disk, when the transient store spools. */
  private get tempUsage(): MemoryUsage | undefined {
    return this.transientStore instanceof SpoolingMessageStore ? this.transientStore.temp : undefined;
  }

  private readonly statsSnapshot = (): BrokerStats => this.stats();
  private readonly identity = (): BrokerIdentity => ({ brokerName: this.config.brokerName, urls: this.addresses() });

  private logStatus(): void {
    this.logger.info(formatStatusLine(this.stats()));
  }

  private accept(running: RunningConnector, transport: StompTransport): void {
    if (this.state !== 'started' && this.state !== 'starting') {
      transport.destroy();
      return;
    }
    if (running.open >= running.config.maximumConnections) {
      this.refuse(transport, running.config);
      return;
    }
    running.open++;
    const id = `${this.runId}-${++this.connectionCounter}`;
    const connection = new StompConnection(id, transport, running.config, (running.context ??= this.context(running)));
    this.connections.add(connection);
  }

  /** Refuses a connection over the limit cleanly: an ERROR frame, then close. */
  private refuse(transport: StompTransport, config: TransportConnectorConfig): void {
    this.logger.warn(`connector ${config.name}: refusing ${transport.remoteAddress}, maximumConnections (${config.maximumConnections}) reached`);
    transport.attach({ onData: () => {}, onDrain: () => {}, onClose: () => {} });
    transport.write([
      encodeFrame(
        'ERROR',
        { message: 'too many connections', code: 'MAX_CONNECTIONS', 'content-type': 'text/plain' },
        utf8Encode(`This connector accepts at most ${config.maximumConnections} connections.`),
        { version: '1.0' },
      ),
    ]);
    transport.close();
  }

  private context(running: RunningConnector): ConnectionContext {
    const registry = this.registry!;
    return {
      config: this.config,
      registry,
      logger: this.logger,
      authenticator: this.authenticator,
      ...(this.authorizer ? { authorizer: this.authorizer } : {}),
      persistentInMemory: this.persistentInMemory,
      ...(this.tempUsage ? { tempUsage: this.tempUsage } : {}),
      statistics: (destination) => statisticsReplies(destination, this.statsSnapshot, this.identity),
      nextSeq: () => ++this.seq,
      messageId: (seq) => `ID:${this.runId}-${seq}`,
      scheduleFlush: (c) => this.scheduleFlush(c),
      yieldTurn: (c) => this.yieldTurn(c),
      connectionClosed: (c) => {
        if (this.connections.delete(c)) running.open--;
      },
    };
  }

  /** Frames produced in one turn leave in one write per connection. */
  private scheduleFlush(connection: StompConnection): void {
    this.toFlush.push(connection);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  /** Connections that stop reading until this turn's output has been written. */
  private readonly yielded: StompConnection[] = [];

  private yieldTurn(connection: StompConnection): void {
    this.yielded.push(connection);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushAll);
    }
  }

  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    const list = this.toFlush.splice(0);
    for (const c of list) c.flush();
    if (this.yielded.length > 0) for (const c of this.yielded.splice(0)) c.endTurn();
  };
}

/** The journal's counters, for any store that exposes a compatible `stats()`. */
function storeCounters(store: MessageStore): StoreCounters | undefined {
  const withStats = store as MessageStore & { stats?: () => Partial<StoreCounters> };
  if (typeof withStats.stats !== 'function') return undefined;
  const s = withStats.stats();
  if (typeof s.fsyncs !== 'number' || typeof s.ops !== 'number' || typeof s.records !== 'number') return undefined;
  return { fsyncs: s.fsyncs, records: s.records, ops: s.ops };
}
