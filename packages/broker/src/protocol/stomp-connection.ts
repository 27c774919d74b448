import {
  CLIENT_COMMANDS,
  encodeFrame,
  FrameParser,
  PiecewiseFrameParser,
  type PiecewiseFrame,
  type FrameParserOptions,
  HEARTBEAT_EOL,
  negotiateVersion,
  NUL_BYTE,
  parseHeartBeat,
  StompCodecError,
  SUPPORTED_VERSIONS,
  utf8Encode,
  type StompHeaders,
  type StompVersion,
} from '@tsmq/codec';
import type { BrokerConfig, TransportConnectorConfig } from '@tsmq/config';
import { InvalidSelectorError, parseSelector, type Selector } from '@tsmq/selector';
import type { Destination } from '../core/destination.js';
import { type MemoryUsage, usageForSend } from '../core/memory-usage.js';
import { QueueDestination } from '../core/queue.js';
import type { DestinationRegistry, Origin } from '../core/registry.js';
import { DeliveryPlan } from '../core/delivery-plan.js';
import { type AckMode, type Delivery, type MessageSink, Subscription } from '../core/subscription.js';
import { TopicDestination } from '../core/topic.js';
import { type BrokerErrorCode, StompProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MessageStore, StoredMessage, StoreOp } from '../store/message-store.js';
import { StoreError } from '../store/message-store.js';
import type { StompTransport, TransportHandler } from '../transport/transport.js';
import type { Authenticator, Credentials, Principal } from './authenticator.js';
import type { Authorizer } from '../security/authorization.js';
import { parseDestination } from '../core/destination-name.js';
import { STATISTICS_PREFIX } from '../metrics/statistics.js';
import { messageFromSend } from './message-headers.js';
import { encodeMessagePrefix, writeMessageFrame } from './message-frame.js';
import { Outbox } from './outbox.js';
import { type HeartbeatClient, heartbeats, monotonicNow } from './heartbeat-scheduler.js';

/** The `server` header of CONNECTED. */
export const SERVER_NAME = 'tsmq/0.1.0';

/** Default `activemq.prefetchSize`, as ActiveMQ's default queue prefetch. */
export const DEFAULT_PREFETCH = 1000;


/** Store writes a connection may have pending before the broker stops reading from it. */
const MAX_PENDING_WRITES = 512;
/** Bytes of message bodies a connection may have waiting for store writes before the broker stops reading from it. */
const MAX_PENDING_WRITE_BYTES = 4 * 1024 * 1024;
/** Bytes of output collected in one turn above which dispatch to the connection waits for a flush. */
const OUTBOX_LIMIT = 1024 * 1024;
/**
 * Bodies larger than this are written after their head instead of being copied into one frame
 * buffer: the outbox stores frames up to 16 KiB in shared blocks and gives larger ones a buffer of
 * their own, which a body referenced as it is saves copying into.
 */
const COPY_BODY_LIMIT = 16 * 1024;
/**
 * Bytes read from a connection after which it yields: it is not read again until the current
 * turn's output has been written. Node reads a busy socket 64 KiB at a time, up to 32 times in
 * one turn, while one turn writes at most {@link OUTBOX_LIMIT} to a consumer; unchecked, a
 * producer on a CPU-bound broker is read faster than its messages can be delivered, and the
 * difference piles up as a backlog (and, past the memory limit, in the temp store). Yielding
 * keeps what is read in step with what is written, as credit-based flow control does in other
 * brokers; the bytes not read wait in the kernel and hold the producer back through TCP.
 */
const READ_SLICE = 512 * 1024;
/**
 * The slice while a frame of at least this size is being received. Such a frame is dispatched only
 * once complete, and shorter turns get the previous one written out sooner. Measured on 2 cores:
 * 1 MiB bodies are relayed about 20% faster with 256 KiB slices than with 512 KiB, while 64 KiB
 * bodies and small frames are about 10% slower with them (more turns for the same bytes), hence
 * the two sizes.
 */
const LARGE_FRAME_READ_SLICE = 256 * 1024;

const PAUSED_FOR_OUTPUT = 1;
const PAUSED_FOR_STORE = 2;
const PAUSED_FOR_MEMORY = 4;
const PAUSED_FOR_TURN = 8;

/** What a connection needs from the broker. */
export interface ConnectionContext {
  readonly config: BrokerConfig;
  readonly registry: DestinationRegistry;
  readonly logger: Logger;
  readonly authenticator: Authenticator;
  /** Who may read, write and create which destinations; absent: everyone may do everything. */
  readonly authorizer?: Authorizer;
  /** Persistent messages are kept in memory (no journal), so they count against memory limits too. */
  readonly persistentInMemory?: boolean;
  /**
   * The temporary store's usage (`systemUsage.tempLimit`) when non-persistent messages spill to disk
   * beyond the memory limit: their producers are then held back (or fail) only when it is full.
   */
  readonly tempUsage?: MemoryUsage;
  /**
   * The replies to a SEND to an `ActiveMQ.Statistics.*` queue (one header set per reply), or
   * undefined when `destination` is not a statistics destination.
   */
  statistics?(destination: string): StompHeaders[] | undefined;
  /** The next message seq (increasing over the broker's life). */
  nextSeq(): number;
  /** The `message-id` of the message with this seq. */
  messageId(seq: number): string;
  /** Asks for {@link StompConnection.flush} to be called once this turn's work is done. */
  scheduleFlush(connection: StompConnection): void;
  /** Asks for {@link StompConnection.endTurn} to be called after this turn's flushes. */
  yieldTurn(connection: StompConnection): void;
  /** The connection is gone; forget it. */
  connectionClosed(connection: StompConnection): void;
}

/** Acknowledgements settled inside a transaction, applied at COMMIT. */
interface SettledGroup {
  subscription: Subscription;
  messages: StoredMessage[];
}

interface Transaction {
  sends: Array<{ destinations: Destination[]; message: StoredMessage }>;
  acks: SettledGroup[];
  nacks: SettledGroup[];
}

type ConnectionState = 'new' | 'connected' | 'closing' | 'closed';

/** Parser options per connector: one object shared by its connections rather than one each. */
const parserOptions = new WeakMap<TransportConnectorConfig, FrameParserOptions>();

function parserOptionsFor(connector: TransportConnectorConfig): FrameParserOptions {
  let options = parserOptions.get(connector);
  if (options === undefined) {
    options = { maxFrameSize: connector.maxFrameSize, commands: CLIENT_COMMANDS };
    parserOptions.set(connector, options);
  }
  return options;
}

/**
 * One client connection: the STOMP protocol state machine (STOMP 1.0, 1.1 and 1.2) between a
 * transport and the destinations.
 */
export class StompConnection implements MessageSink, TransportHandler, HeartbeatClient {
  private state: ConnectionState = 'new';
  private version: StompVersion = '1.0';
  /**
   * Made on the first byte that is not a heart-beat, and given back by an idle connection (see
   * {@link StompConnection.shedParser}): most connections of a busy broker send nothing but
   * heart-beats most of the time.
   */
  private parser: FrameParser | undefined;
  private principal: Principal | undefined;
  /** CONNECT's `client-id` header: names the owner of durable subscriptions. */
  private clientId: string | undefined;
  /** This connection as the sender of a message (noLocal checks). */
  private origin: Origin;

  // The maps and waiter lists below are created on first use: most of the connections a
  // broker holds are idle, and an empty Map costs as much as the rest of the connection.
  private subscriptions: Map<string, Subscription> | undefined;
  /** Unacknowledged deliveries by ack id, across subscriptions. */
  private deliveries: Map<string, Delivery> | undefined;
  private ackCounter = 0;
  private transactions: Map<string, Transaction> | undefined;

  /** This turn's output: made by the first frame of a turn, handed to the transport by {@link StompConnection.flush}. */
  private outbox: Outbox | undefined;
  /** CONNECT was the last frame parsed: the client may now sit idle, sending only heart-beats. */
  private justConnected = false;
  private flushScheduled = false;
  private writable = true;
  /** Dispatch stopped because the outbox was full; dispatch again after the next flush. */
  private blockedOnOutbox = false;
  private pausedFor = 0;
  /** Bytes read since this connection last yielded (see {@link READ_SLICE}). */
  private readSinceYield = 0;

  private pendingWrites = 0;
  /** Bytes of message bodies in the pending store writes. */
  private pendingWriteBytes = 0;
  private idleWaiters: Array<() => void> | undefined;

  /** {@link monotonicNow} of the last read and of the last write. */
  private lastReadAt = monotonicNow();
  private lastWriteAt = this.lastReadAt;
  private sendEveryMs = 0;
  private silentAfterMs = 0;
  /** @internal Owned by the heart-beat scheduler. */
  heartbeatAt = 0;
  /** @internal Owned by the heart-beat scheduler. */
  heartbeatSlot = -1;

  constructor(
    /** Unique id; also the CONNECTED `session` header. */
    readonly id: string,
    private readonly transport: StompTransport,
    readonly connector: TransportConnectorConfig,
    private readonly ctx: ConnectionContext,
  ) {
    this.origin = { connectionId: id, clientId: undefined };
    // The connection is its transport's handler: no closures per connection.
    transport.attach(this);
  }

  /** Remote address of the client, for logs. */
  get remoteAddress(): string {
    return this.transport.remoteAddress;
  }

  /** Who the client authenticated as (after CONNECT). */
  get user(): string | undefined {
    return this.principal?.user;
  }

  // ---- input ---------------------------------------------------------------------------------

  /** @internal {@link TransportHandler}: bytes from the client. */
  onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    this.lastReadAt = monotonicNow();
    try {
      const parser = this.parser ?? (onlyLineEnds(chunk) ? undefined : this.newParser());
      // STOMP 1.2 §Heart-beating: EOLs between frames are heart-beats, which only move lastReadAt.
      if (parser !== undefined) {
        parser.push(chunk);
        if (this.justConnected) {
          this.justConnected = false;
          if (parser.bufferedBytes === 0) this.parser = undefined;
        }
      }
    } catch (error) {
      if (error instanceof StompCodecError) {
        this.fail(new StompProtocolError(error.code, describeCode(error.code), error.message));
      } else {
        this.ctx.logger.error(`connection ${this.id}: unexpected error`, error);
        this.fail(new StompProtocolError('INTERNAL_ERROR', 'internal error', 'The broker failed to process a frame.'));
      }
      return;
    }
    const read = (this.readSinceYield += chunk.byteLength);
    if (read < LARGE_FRAME_READ_SLICE) return;
    const slice = (this.parser?.bufferedBytes ?? 0) >= LARGE_FRAME_READ_SLICE ? LARGE_FRAME_READ_SLICE : READ_SLICE;
    if (read >= slice && (this.pausedFor & PAUSED_FOR_TURN) === 0 && (this.state as ConnectionState) !== 'closed') {
      this.pauseReading(PAUSED_FOR_TURN);
      this.ctx.yieldTurn(this);
    }
  }

  private newParser(): FrameParser {
    // Piecewise: a large body is relayed and stored as the socket chunks it arrived in, never joined.
    const parser = new PiecewiseFrameParser((frame) => this.onFrame(frame), parserOptionsFor(this.connector));
    parser.setVersion(this.version);
    this.parser = parser;
    return parser;
  }

  /**
   * Gives back the parser when no frame is in progress. Called at heart-beat time (and after
   * CONNECT), so a connection that sends only heart-beats does not hold one for long.
   */
  private shedParser(): void {
    if (this.state === 'connected' && this.parser !== undefined && this.parser.bufferedBytes === 0) this.parser = undefined;
  }

  /** The turn in which this connection yielded is over and its output written: read again. */
  endTurn(): void {
    this.readSinceYield = 0;
    this.resumeReading(PAUSED_FOR_TURN);
  }

  private onFrame(frame: PiecewiseFrame): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    try {
      this.handle(frame);
    } catch (error) {
      const receipt = frame.headers.receipt;
      if (error instanceof StompProtocolError) this.fail(error, receipt);
      else if (error instanceof StompCodecError)
        this.fail(new StompProtocolError(error.code, describeCode(error.code), error.message), receipt);
      else {
        this.ctx.logger.error(`connection ${this.id}: error handling ${frame.command}`, error);
        this.fail(new StompProtocolError('INTERNAL_ERROR', 'internal error', `The broker failed to process ${frame.command}.`), receipt);
      }
    }
  }

  private handle(frame: PiecewiseFrame): void {
    const command = frame.command;
    if (this.state === 'new') {
      if (command === 'CONNECT' || command === 'STOMP') return this.onConnect(frame);
      throw new StompProtocolError('NOT_CONNECTED', 'not connected', `${command} received before CONNECT.`);
    }
    switch (command) {
      case 'SEND':
        return this.onSend(frame);
      case 'SUBSCRIBE':
        return this.onSubscribe(frame);
      case 'UNSUBSCRIBE':
        return this.onUnsubscribe(frame);
      case 'ACK':
        return this.onAck(frame);
      case 'NACK':
        if (this.version === '1.0') throw unknownCommand(command);
        return this.onNack(frame);
      case 'BEGIN':
        return this.onBegin(frame);
      case 'COMMIT':
        return this.onCommit(frame);
      case 'ABORT':
        return this.onAbort(frame);
      case 'DISCONNECT':
        return this.onDisconnect(frame);
      case 'CONNECT':
      case 'STOMP':
        throw new StompProtocolError('ALREADY_CONNECTED', 'already connected', 'A second CONNECT on the same connection.');
      default:
        throw unknownCommand(command);
    }
  }

  // ---- CONNECT -------------------------------------------------------------------------------

  private onConnect(frame: PiecewiseFrame): void {
    const h = frame.headers;
    const version = negotiateVersion(h['accept-version']);
    if (version === null) {
      const list = SUPPORTED_VERSIONS.join(',');
      throw new StompProtocolError(
        'UNSUPPORTED_VERSION',
        'unsupported protocol version',
        `Supported protocol versions are ${SUPPORTED_VERSIONS.join(' ')}`,
        { version: list },
      );
    }
    const [cx, cy] = h['heart-beat'] === undefined ? this.connector.defaultHeartBeat : parseHeartBeat(h['heart-beat']);
    const principal = this.ctx.authenticator.authenticate(new ConnectCredentials(h.login, h.passcode, this.transport, this.connector.name));
    if (principal === null) {
      // ActiveMQ's wording, which users grep their logs for.
      const text = `User name [${h.login ?? ''}] or password is invalid.`;
      throw new StompProtocolError('AUTHENTICATION_FAILED', text, text);
    }
    const clientId = h['client-id'];
    if (clientId !== undefined) this.ctx.registry.claimClientId(clientId, this.id);
    this.principal = principal;
    this.clientId = clientId;
    this.origin = { connectionId: this.id, clientId };
    this.version = version;
    this.parser?.setVersion(version);
    this.justConnected = true;
    this.state = 'connected';
    // The broker can beat as often as the client wants (sx = cy) and asks for beats as often as
    // the client offers (sy = cx), so each side's rate is the client's own.
    const sx = cy;
    const sy = cx;
    const headers: StompHeaders = {};
    if (h['accept-version'] !== undefined) headers.version = version;
    headers.server = SERVER_NAME;
    headers.session = this.id;
    headers['heart-beat'] = `${sx},${sy}`;
    this.writeFrame('CONNECTED', headers);
    // STOMP 1.2 §Heart-beating: each direction runs at the larger of what one side offers and
    // the other wants, and is off when either is 0.
    this.startHeartbeat(sx > 0 && cy > 0 ? Math.max(sx, cy) : 0, cx > 0 && sy > 0 ? Math.max(cx, sy) : 0);
  }

  // ---- SEND ----------------------------------------------------------------------------------

  private onSend(frame: PiecewiseFrame): void {
    const h = frame.headers;
    const header = requireHeader(h, 'destination', 'SEND');
    const tx = this.transactionOf(h);
    // The statistics hook builds the broker's identity on each call: keep it off ordinary sends.
    if (this.ctx.statistics && !tx && header.startsWith(STATISTICS_PREFIX, '/queue/'.length)) {
      const replies = this.ctx.statistics(header);
      if (replies !== undefined) {
        // Nothing is created, so writing is all the sender needs.
        this.authorize(header, 'write', false);
        return this.answerStatistics(frame, replies);
      }
    }
    this.authorize(header, 'write');
    const destinations = this.ctx.registry.resolveSend(header, this.id);
    const message = messageFromSend(frame, header, Date.now(), this.ctx.config.schedulerSupport);
    const receipt = h.receipt;
    const memory = this.usageLimiting(message, destinations);
    if (memory?.full && this.ctx.config.systemUsage.sendFailIfNoSpace) {
      const error = new StompProtocolError('MEMORY_FULL', memory.describeFull(), `${memory.describeFull()} and sendFailIfNoSpace is set.`);
      if (this.pendingWrites === 0) throw error;
      return this.failAfterPendingWrites(error, receipt);
    }
    if (tx) {
      tx.sends.push({ destinations, message });
      if (receipt !== undefined) this.writeReceipt(receipt);
      return;
    }
    this.stamp(message);
    const stored = this.ctx.registry.send(destinations, message, this.origin);
    if (memory?.full && !this.ctx.config.systemUsage.sendFailIfNoSpace) this.waitForMemory(memory);
    if (stored === undefined) {
      if (receipt !== undefined) this.writeReceipt(receipt);
      return;
    }
    const bodyBytes = message.body.byteLength;
    this.beginWrite(bodyBytes);
    stored.then(
      () => {
        this.endWrite(bodyBytes);
        if (receipt !== undefined) this.writeReceipt(receipt);
      },
      (error: unknown) => {
        this.endWrite(bodyBytes);
        this.failOnStoreError(error, receipt);
      },
    );
  }

  /**
   * Fails the connection once the store writes of its earlier SENDs are done, so that their
   * RECEIPTs go out before the ERROR and the producer knows exactly which messages were accepted.
   */
  private failAfterPendingWrites(error: StompProtocolError, receipt?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.pauseReading(PAUSED_FOR_MEMORY);
    this.whenIdle(() => this.fail(error, receipt));
  }

  /**
   * The usage a SEND waits on or fails at, or undefined when none limits it. Topic subscribers'
   * pending messages are held in memory. Persistent queue messages on a journal broker wait on disk
   * (queues page them in within the memory limit). Non-persistent ones spill to the temp store
   * once memory is full, so their producers are held back only when that is full too.
   */
  private usageLimiting(message: StoredMessage, destinations: readonly Destination[]): MemoryUsage | undefined {
    // The broker's own replies are tiny, and holding back the connection asking is what would keep
    // a monitor from seeing that the broker is full.
    if (this.answeringStatistics) return undefined;
    const memory = usageForSend(this.ctx.registry.memory, destinations);
    if (destinations.some((d) => d instanceof TopicDestination)) return memory;
    if (message.persistent) return this.ctx.persistentInMemory ? memory : undefined;
    return this.ctx.tempUsage ?? memory;
  }

  /**
   * Producer flow control (ActiveMQ's producerFlowControl at systemUsage.memoryLimit): stop
   * reading from this producer until consumers have drained memory below the limit. A connection
   * that itself holds undelivered or unacknowledged messages keeps reading, since its own ACKs
   * may be what frees the memory.
   */
  private waitForMemory(memory: MemoryUsage): void {
    if ((this.pausedFor & PAUSED_FOR_MEMORY) !== 0) return;
    if (this.subscriptions) for (const s of this.subscriptions.values()) if (s.pending.length > 0 || s.inflight.size > 0) return;
    this.pauseReading(PAUSED_FOR_MEMORY);
    // sendFailIfNoSpaceAfterTimeout: the producer's next SEND waits unread in the socket; if no
    // room appears in time, it fails (and, per STOMP 1.2 §ERROR, the connection closes).
    const timeoutMs = this.ctx.config.systemUsage.sendFailIfNoSpaceAfterTimeout;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      timer = setTimeout(() => {
        if (memory.full && (this.pausedFor & PAUSED_FOR_MEMORY) !== 0) {
          this.failAfterPendingWrites(new StompProtocolError('MEMORY_FULL', memory.describeFull(), `No room appeared within sendFailIfNoSpaceAfterTimeout (${timeoutMs} ms).`));
        }
      }, timeoutMs);
    }
    memory.whenAvailable(() => {
      if (timer) clearTimeout(timer);
      this.resumeReading(PAUSED_FOR_MEMORY);
    });
  }

  /**
   * authorizationPlugin: `operation` on the destination, and `admin` too when this use would
   * create it (ActiveMQ creates destinations on first use and requires admin for that).
   */
  private authorize(header: string, operation: 'read' | 'write', mayCreate = true): void {
    const authorizer = this.ctx.authorizer;
    if (!authorizer) return;
    // A composite destination (`/queue/a,/topic/b`) needs the right on every part.
    for (const part of header.includes(',') ? header.split(',') : [header]) {
      const name = parseDestination(part.trim());
      // resolve() reports a malformed destination.
      if (!name) continue;
      authorizer.check(this.principal!, name, operation);
      if (mayCreate && !this.ctx.registry.exists(name)) authorizer.check(this.principal!, name, 'admin');
    }
  }

  /**
   * ActiveMQ's statisticsBrokerPlugin: each reply becomes a message on the SEND's `reply-to`
   * (a SEND without `reply-to` is only acknowledged). The replies go through the ordinary SEND
   * path, so the reply-to destination's authorization and flow control apply.
   */
  /** Set while statistics replies are routed: they are exempt from flow control. */
  private answeringStatistics = false;

  private answerStatistics(frame: PiecewiseFrame, replies: StompHeaders[]): void {
    const replyTo = frame.headers['reply-to'];
    const receipt = frame.headers.receipt;
    const correlation = frame.headers['correlation-id'];
    if (replyTo !== undefined) {
      replies.forEach((reply, i) => {
        const headers: StompHeaders = { ...reply, destination: replyTo };
        if (correlation !== undefined) headers['correlation-id'] = correlation;
        // The receipt rides on the last reply so that it confirms every reply was routed.
        if (i === replies.length - 1 && receipt !== undefined) headers.receipt = receipt;
        this.answeringStatistics = true;
        try {
          this.onSend({ command: 'SEND', headers, body: new Uint8Array(0) });
        } finally {
          this.answeringStatistics = false;
        }
      });
      if (replies.length > 0) return;
    }
    if (receipt !== undefined) this.writeReceipt(receipt);
  }

  /** Gives the message its arrival order and, unless its producer assigned one, its `message-id`. */
  private stamp(message: StoredMessage): void {
    message.seq = this.ctx.nextSeq();
    if (message.messageId === '') message.messageId = this.ctx.messageId(message.seq);
  }

  // ---- SUBSCRIBE / UNSUBSCRIBE ---------------------------------------------------------------

  private onSubscribe(frame: PiecewiseFrame): void {
    const h = frame.headers;
    const header = requireHeader(h, 'destination', 'SUBSCRIBE');
    const id = this.version === '1.0' ? (h.id ?? header) : requireHeader(h, 'id', 'SUBSCRIBE');
    if (this.subscriptions?.has(id)) {
      throw new StompProtocolError('DUPLICATE_SUBSCRIPTION', 'duplicate subscription id', `Subscription id ${JSON.stringify(id)} is already in use on this connection.`);
    }
    const ack = parseAckMode(h.ack);
    const prefetch = parsePrefetch(h['activemq.prefetchSize']);
    const selector = parseSelectorHeader(h.selector);
    this.authorize(header, 'read');
    let destination = this.ctx.registry.resolve(header, this.id, 'subscribe');
    if (h.browser === 'true') return this.browse(id, header, destination, selector, h.receipt);
    const durableName = durableNameOf(h);
    let subscription: Subscription;
    if (durableName !== undefined && destination instanceof TopicDestination && destination.name.kind === 'topic') {
      const clientId = this.requireClientId('SUBSCRIBE');
      // The durable subscription filters as messages are stored, so its consumer needs no selector.
      destination = this.ctx.registry.subscribeDurable(clientId, durableName, header, selector, h['activemq.noLocal'] === 'true');
      subscription = new Subscription(id, destination, ack, prefetch, this, this.id);
    } else {
      subscription = new Subscription(id, destination, ack, prefetch, this, this.id, selector, h['activemq.noLocal'] === 'true', h['activemq.exclusive'] === 'true');
    }
    (this.subscriptions ??= new Map()).set(id, subscription);
    if (h.receipt !== undefined) this.writeReceipt(h.receipt);
    destination.addSubscription(subscription);
    destination.dispatch();
  }

  /**
   * ActiveMQ queue browsing (SUBSCRIBE with `browser:true`): every message waiting when the
   * SUBSCRIBE arrived (and selected) is sent without being consumed, then a MESSAGE with
   * `browser:end`. Stored messages are read a page at a time, waiting while the client is slow,
   * so a deep queue is browsed whole without holding it in memory. The subscription stays known
   * until UNSUBSCRIBE, so that the UNSUBSCRIBE a browser sends when done is not an error.
   */
  private browse(id: string, header: string, destination: Destination, selector: Selector | undefined, receipt: string | undefined): void {
    if (!(destination instanceof QueueDestination)) {
      throw new StompProtocolError('INVALID_DESTINATION', 'only queues can be browsed', `${header} is not a queue.`);
    }
    const subscription = new Subscription(id, destination, 'auto', DEFAULT_PREFETCH, this, this.id, selector);
    (this.subscriptions ??= new Map()).set(id, subscription);
    if (receipt !== undefined) this.writeReceipt(receipt);
    // Messages sent after this SUBSCRIBE get higher seqs and are not part of the snapshot.
    const upTo = this.ctx.nextSeq();
    const { inMemory, storedAfter } = destination.browseStart();
    const live = () => subscription.active && this.state === 'connected';
    const run = async () => {
      for (const m of inMemory) if (subscription.selects(m)) this.writeMessage(subscription, m, undefined);
      let after = storedAfter;
      const chunk = destination.policy.maxPageSize;
      while (after !== undefined && live()) {
        if (!this.canWrite()) await this.writable$();
        const messages = await destination.loadStored(after, chunk);
        if (!live()) return;
        after = messages.length < chunk ? undefined : messages[messages.length - 1]!.seq;
        for (const m of messages) {
          if (m.seq > upTo) {
            after = undefined;
            break;
          }
          if (subscription.selects(m)) this.writeMessage(subscription, m, undefined);
        }
      }
      if (live()) this.writeFrame('MESSAGE', { subscription: id, 'message-id': 'BrowseDone', destination: header, browser: 'end' });
    };
    run().catch((error: unknown) => this.failOnStoreError(error, undefined));
  }

  private onUnsubscribe(frame: PiecewiseFrame): void {
    const h = frame.headers;
    const id = this.version === '1.0' ? (h.id ?? h.destination) : h.id;
    const durableName = durableNameOf(h);
    const subscription = id === undefined ? undefined : this.subscriptions?.get(id);
    if (subscription) this.removeSubscription(subscription);
    else if (durableName === undefined) {
      if (id === undefined) throw missingHeader('id', 'UNSUBSCRIBE');
      throw new StompProtocolError('UNKNOWN_SUBSCRIPTION', 'unknown subscription', `No subscription with id ${JSON.stringify(id)} on this connection.`);
    }
    // ActiveMQ: an UNSUBSCRIBE naming the durable subscription deletes it; without the name it only goes offline.
    if (durableName !== undefined) this.ctx.registry.unsubscribeDurable(this.requireClientId('UNSUBSCRIBE'), durableName);
    if (h.receipt !== undefined) this.writeReceipt(h.receipt);
  }

  private requireClientId(command: string): string {
    if (this.clientId === undefined) {
      throw new StompProtocolError('MISSING_HEADER', 'missing client-id header', `A durable subscription in ${command} needs the client-id header in CONNECT.`);
    }
    return this.clientId;
  }

  private removeSubscription(subscription: Subscription): void {
    this.subscriptions?.delete(subscription.id);
    const deliveries = this.deliveries;
    if (deliveries) for (const ackId of subscription.inflight.keys()) deliveries.delete(ackId);
    subscription.active = false;
    subscription.destination.removeSubscription(subscription);
  }

  // ---- ACK / NACK ----------------------------------------------------------------------------

  private onAck(frame: PiecewiseFrame): void {
    const h = frame.headers;
    const tx = this.transactionOf(h);
    const group = this.settle(frame);
    const destination = group.subscription.destination;
    if (tx) {
      tx.acks.push(group);
      destination.dispatch();
      if (h.receipt !== undefined) this.writeReceipt(h.receipt);
      return;
    }
    const receipt = h.receipt;
    // Without a receipt nobody learns when the removal is durable: it may share a later fsync.
    const stored = destination.acknowledge(group.messages, receipt === undefined);
    destination.dispatch();
    if (receipt === undefined) {
      stored.catch((error: unknown) => this.ctx.logger.error(`connection ${this.id}: cannot remove acknowledged messages`, error));
      return;
    }
    this.beginWrite();
    stored.then(
      () => {
        this.endWrite();
        this.writeReceipt(receipt);
      },
      (error: unknown) => {
        this.endWrite();
        this.failOnStoreError(error, receipt);
      },
    );
  }

  private onNack(frame: PiecewiseFrame): void {
    const h = frame.headers;
    const tx = this.transactionOf(h);
    const group = this.settle(frame);
    // The receipt goes before the redelivery it may trigger.
    if (h.receipt !== undefined) this.writeReceipt(h.receipt);
    if (tx) tx.nacks.push(group);
    else group.subscription.destination.requeue(group.subscription, group.messages, true);
  }

  /** Finds the delivery an ACK/NACK names and takes it (and, in client mode, earlier ones) out of flight. */
  private settle(frame: PiecewiseFrame): SettledGroup {
    const delivery = this.findDelivery(frame);
    const settled = delivery.subscription.settle(delivery);
    const messages: StoredMessage[] = new Array<StoredMessage>(settled.length);
    for (let i = 0; i < settled.length; i++) {
      const d = settled[i]!;
      this.deliveries?.delete(d.ackId);
      messages[i] = d.message;
    }
    return { subscription: delivery.subscription, messages };
  }

  private findDelivery(frame: PiecewiseFrame): Delivery {
    const h = frame.headers;
    const command = frame.command;
    if (this.version === '1.2') {
      const ackId = requireHeader(h, 'id', command);
      const d = this.deliveries?.get(ackId);
      if (!d) throw unknownAck(ackId, command);
      return d;
    }
    const messageId = requireHeader(h, 'message-id', command);
    let candidates: Iterable<Subscription>;
    if (this.version === '1.1') {
      const subId = requireHeader(h, 'subscription', command);
      const sub = this.subscriptions?.get(subId);
      if (!sub) throw unknownAck(messageId, command);
      candidates = [sub];
    } else {
      candidates = this.subscriptions?.values() ?? [];
    }
    for (const sub of candidates) {
      for (const d of sub.inflight.values()) if (d.message.messageId === messageId) return d;
    }
    throw unknownAck(messageId, command);
  }

  // ---- transactions --------------------------------------------------------------------------

  private transactionOf(h: StompHeaders): Transaction | undefined {
    const id = h.transaction;
    if (id === undefined) return undefined;
    const tx = this.transactions?.get(id);
    if (!tx) throw unknownTransaction(id);
    return tx;
  }

  private onBegin(frame: PiecewiseFrame): void {
    const id = requireHeader(frame.headers, 'transaction', 'BEGIN');
    if (this.transactions?.has(id)) {
      throw new StompProtocolError('DUPLICATE_TRANSACTION', 'transaction already begun', `Transaction ${JSON.stringify(id)} is already active on this connection.`);
    }
    (this.transactions ??= new Map()).set(id, { sends: [], acks: [], nacks: [] });
    if (frame.headers.receipt !== undefined) this.writeReceipt(frame.headers.receipt);
  }

  private takeTransaction(frame: PiecewiseFrame): Transaction {
    const id = requireHeader(frame.headers, 'transaction', frame.command);
    const tx = this.transactions?.get(id);
    if (!tx) throw unknownTransaction(id);
    this.transactions!.delete(id);
    return tx;
  }

  private onAbort(frame: PiecewiseFrame): void {
    this.rollback(this.takeTransaction(frame));
    if (frame.headers.receipt !== undefined) this.writeReceipt(frame.headers.receipt);
  }

  /** Undoes a transaction: its sends are dropped, its acknowledged messages are delivered again. */
  private rollback(tx: Transaction): void {
    for (const group of tx.acks) group.subscription.destination.requeue(group.subscription, group.messages, false);
    for (const group of tx.nacks) group.subscription.destination.requeue(group.subscription, group.messages, false);
  }

  private onCommit(frame: PiecewiseFrame): void {
    const tx = this.takeTransaction(frame);
    const receipt = frame.headers.receipt;
    // The sends (with their durable subscription copies) and the acknowledgements of the
    // transaction: one atomic write per store.
    const plan = new DeliveryPlan();
    for (const send of tx.sends) {
      this.stamp(send.message);
      this.ctx.registry.plan(send.destinations, send.message, this.origin, plan);
    }
    for (const group of tx.acks) {
      const d = group.subscription.destination;
      if (d instanceof QueueDestination) for (const m of group.messages) plan.add(d.storeFor(m), d.removeOp(m));
    }
    this.beginWrite();
    writeInOrder([...plan.writes]).then(
      () => {
        this.endWrite();
        plan.apply();
        for (const group of tx.acks) {
          const d = group.subscription.destination;
          if (d instanceof QueueDestination) d.settled(group.messages);
          else void d.acknowledge(group.messages);
        }
        for (const group of tx.nacks) group.subscription.destination.requeue(group.subscription, group.messages, true);
        if (receipt !== undefined) this.writeReceipt(receipt);
      },
      (error: unknown) => {
        this.endWrite();
        this.rollback(tx);
        this.failOnStoreError(error, receipt);
      },
    );
  }

  // ---- DISCONNECT ----------------------------------------------------------------------------

  private onDisconnect(frame: PiecewiseFrame): void {
    const receipt = frame.headers.receipt;
    this.state = 'closing';
    // STOMP 1.2 §DISCONNECT: the receipt confirms every earlier frame was handled, so it waits
    // for pending store writes.
    this.whenIdle(() => {
      if (receipt !== undefined) this.writeReceipt(receipt);
      this.flush();
      this.transport.close();
      this.release();
    });
  }

  // ---- output --------------------------------------------------------------------------------

  canWrite(): boolean {
    if (!this.writable || this.state !== 'connected') return false;
    if (this.outbox !== undefined && this.outbox.bytes >= OUTBOX_LIMIT) {
      this.blockedOnOutbox = true;
      return false;
    }
    return true;
  }

  registerDelivery(subscription: Subscription, message: StoredMessage): Delivery {
    const delivery: Delivery = { ackId: String(++this.ackCounter), message, subscription };
    (this.deliveries ??= new Map()).set(delivery.ackId, delivery);
    return delivery;
  }

  writeMessage(subscription: Subscription, message: StoredMessage, ackId: string | undefined): void {
    const prefix = (subscription.framePrefix ??= encodeMessagePrefix(subscription.id, this.version));
    const body = message.body;
    const outbox = (this.outbox ??= new Outbox());
    if (body.byteLength > COPY_BODY_LIMIT && !this.transport.messageOriented) {
      writeMessageFrame(outbox, prefix, message, this.version, ackId, false);
      if (body instanceof Uint8Array) outbox.append(body);
      else for (const piece of body.pieces) outbox.append(piece);
      this.out(NUL_BYTE);
    } else {
      writeMessageFrame(outbox, prefix, message, this.version, ackId, true);
      this.scheduleOutput();
    }
  }

  private writeReceipt(receiptId: string): void {
    if (this.state === 'closed') return;
    this.writeFrame('RECEIPT', { 'receipt-id': receiptId });
  }

  private writeFrame(command: string, headers: StompHeaders, body?: Uint8Array): void {
    this.out(encodeFrame(command, headers, body, { version: this.version }));
  }

  private out(chunk: Uint8Array): void {
    (this.outbox ??= new Outbox()).append(chunk);
    this.scheduleOutput();
  }

  private scheduleOutput(): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.ctx.scheduleFlush(this);
    }
  }

  /** Writes everything collected this turn in one transport write. */
  flush(): void {
    this.flushScheduled = false;
    const outbox = this.outbox;
    if (outbox === undefined || outbox.isEmpty || this.state === 'closed') return;
    // A connection between turns holds no outbox: most connections are idle most of the time.
    this.outbox = undefined;
    const chunks = outbox.take();
    this.lastWriteAt = monotonicNow();
    if (!this.transport.write(chunks)) {
      this.writable = false;
      this.pauseReading(PAUSED_FOR_OUTPUT);
    } else if (this.blockedOnOutbox) {
      this.blockedOnOutbox = false;
      this.dispatchAll();
    }
  }

  /** @internal {@link TransportHandler}: the transport takes output again. */
  onDrain(): void {
    if (this.writable) return;
    this.writable = true;
    this.resumeReading(PAUSED_FOR_OUTPUT);
    this.dispatchAll();
  }

  private dispatchAll(): void {
    if (this.subscriptions) for (const s of this.subscriptions.values()) s.destination.dispatch();
    const waiters = this.writableWaiters;
    if (waiters !== undefined) {
      this.writableWaiters = undefined;
      for (const w of waiters) w();
    }
  }

  /** Browsers waiting for the connection to take output again. */
  private writableWaiters: Array<() => void> | undefined;

  /** Resolves when output room is back (after a flush of a full outbox or a transport drain). */
  private writable$(): Promise<void> {
    return new Promise((resolve) => (this.writableWaiters ??= []).push(resolve));
  }

  // ---- flow control of the producer side -----------------------------------------------------

  /** @param bodyBytes - bytes of the message bodies the write holds until it completes. */
  private beginWrite(bodyBytes = 0): void {
    if (++this.pendingWrites === MAX_PENDING_WRITES) this.pauseReading(PAUSED_FOR_STORE);
    this.pendingWriteBytes += bodyBytes;
    // Large messages waiting for the disk would otherwise hold up to MAX_PENDING_WRITES bodies each.
    if (bodyBytes > 0 && this.pendingWriteBytes >= MAX_PENDING_WRITE_BYTES) this.pauseReading(PAUSED_FOR_STORE);
  }

  private endWrite(bodyBytes = 0): void {
    this.pendingWrites--;
    this.pendingWriteBytes -= bodyBytes;
    if ((this.pausedFor & PAUSED_FOR_STORE) !== 0 && this.pendingWrites <= MAX_PENDING_WRITES / 2 && this.pendingWriteBytes <= MAX_PENDING_WRITE_BYTES / 2) {
      this.resumeReading(PAUSED_FOR_STORE);
    }
    // A microtask later, so that the caller first writes the RECEIPT this write completes: a
    // DISCONNECT receipt (or a flow-control ERROR) waiting for idleness must come after it.
    if (this.pendingWrites === 0 && this.idleWaiters !== undefined) queueMicrotask(() => this.runIdleWaiters());
  }

  private runIdleWaiters(): void {
    if (this.pendingWrites !== 0) return; // a new write began; its endWrite() runs them
    const waiters = this.idleWaiters;
    if (waiters === undefined) return;
    this.idleWaiters = undefined;
    for (const w of waiters) w();
  }

  private whenIdle(fn: () => void): void {
    if (this.pendingWrites === 0) fn();
    else (this.idleWaiters ??= []).push(fn);
  }

  private pauseReading(reason: number): void {
    if (this.pausedFor === 0) this.transport.pause();
    this.pausedFor |= reason;
  }

  private resumeReading(reason: number): void {
    if ((this.pausedFor & reason) === 0) return;
    this.pausedFor &= ~reason;
    if (this.pausedFor === 0) {
      // Silence while the broker was not reading is not the client's.
      this.lastReadAt = monotonicNow();
      this.transport.resume();
    }
  }

  // ---- heart-beating -------------------------------------------------------------------------

  private startHeartbeat(sendEveryMs: number, expectEveryMs: number): void {
    this.sendEveryMs = sendEveryMs;
    this.silentAfterMs = expectEveryMs > 0 ? Math.ceil(expectEveryMs * this.connector.hbGracePeriodMultiplier) : 0;
    this.lastReadAt = this.lastWriteAt = monotonicNow();
    this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    if (this.sendEveryMs === 0 && this.silentAfterMs === 0) return;
    const now = monotonicNow();
    let due = Infinity;
    // While output waits for a drain, or reading is paused, the clock in question stands still
    // (the client is still receiving, or its silence is ours): looking again a period later is
    // enough, rather than every millisecond.
    if (this.sendEveryMs > 0) due = this.writable ? this.lastWriteAt + this.sendEveryMs : now + this.sendEveryMs;
    if (this.silentAfterMs > 0) {
      // One past the limit: silence of exactly silentAfterMs is still allowed.
      due = Math.min(due, this.pausedFor === 0 ? this.lastReadAt + this.silentAfterMs + 1 : now + this.silentAfterMs);
    }
    heartbeats.schedule(this, due);
  }

  /** @internal {@link HeartbeatClient}: a heart-beat is due to be sent or checked. */
  heartbeatDue(now: number): void {
    if (this.state === 'closed') return;
    if (this.silentAfterMs > 0 && this.pausedFor === 0 && now - this.lastReadAt > this.silentAfterMs) {
      this.ctx.logger.warn(`connection ${this.id} (${this.remoteAddress}): no data for ${now - this.lastReadAt} ms, closing`);
      this.transport.destroy();
      this.onClose();
      return;
    }
    if (this.sendEveryMs > 0 && now - this.lastWriteAt >= this.sendEveryMs && this.writable) {
      this.lastWriteAt = now;
      this.transport.write([HEARTBEAT_EOL]);
    }
    this.shedParser();
    this.scheduleHeartbeat();
  }

  // ---- errors and closing --------------------------------------------------------------------

  private failOnStoreError(error: unknown, receipt: string | undefined): void {
    if (error instanceof StoreError) {
      this.fail(new StompProtocolError(error.code, describeCode(error.code), error.message), receipt);
    } else {
      this.ctx.logger.error(`connection ${this.id}: store failure`, error);
      this.fail(new StompProtocolError('STORE_IO', 'store failure', 'The message store failed.'), receipt);
    }
  }

  /**
   * STOMP 1.2 §ERROR: sends an ERROR frame describing `error` (with `receipt-id` when the bad
   * frame asked for a receipt), flushes it, then closes the connection.
   */
  fail(error: StompProtocolError, receiptId?: string): void {
    if (this.state === 'closed') return;
    const headers: StompHeaders = { message: error.message, code: error.code };
    if (receiptId !== undefined) headers['receipt-id'] = receiptId;
    if (error.headers) for (const [k, v] of Object.entries(error.headers)) headers[k] = v;
    headers['content-type'] = 'text/plain';
    try {
      this.writeFrame('ERROR', headers, utf8Encode(error.detail ?? error.message));
    } catch {
      this.writeFrame('ERROR', { message: 'error', code: error.code });
    }
    this.ctx.logger.info(`connection ${this.id} (${this.remoteAddress}): ${error.code}: ${error.detail ?? error.message}`);
    this.state = 'closing';
    this.flush();
    this.release();
    this.transport.close();
  }

  /** Closes the connection as the broker stops. */
  shutdown(): void {
    if (this.state === 'closed') return;
    this.flush();
    this.release();
    this.transport.close();
  }

  /** @internal {@link TransportHandler}: the transport closed. */
  onClose(): void {
    this.release();
  }

  /**
   * Gives back what the connection held: open transactions are aborted, unacknowledged
   * messages go back to their queues, temporary destinations are deleted.
   */
  private release(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    heartbeats.cancel(this);
    if (this.transactions) for (const tx of this.transactions.values()) this.rollback(tx);
    this.transactions = undefined;
    if (this.subscriptions) for (const s of [...this.subscriptions.values()]) this.removeSubscription(s);
    this.deliveries = undefined;
    this.outbox = undefined;
    this.parser = undefined;
    this.ctx.registry.deleteTemporaries(this.id);
    if (this.clientId !== undefined) this.ctx.registry.releaseClientId(this.clientId, this.id);
    this.ctx.connectionClosed(this);
  }
}

/** CONNECT's credentials; the remote address is looked up only for authenticators that ask, since Node keeps it on the socket once read. */
class ConnectCredentials implements Credentials {
  constructor(
    readonly login: string | undefined,
    readonly passcode: string | undefined,
    private readonly transport: StompTransport,
    readonly connector: string,
  ) {}

  get remoteAddress(): string {
    return this.transport.remoteAddress;
  }
}

/** True when `chunk` holds nothing but CR and LF bytes: heart-beats (STOMP 1.2 §Heart-beating). */
function onlyLineEnds(chunk: Uint8Array): boolean {
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i];
    if (b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/** Writes batches one after the other, so that a failure leaves later stores untouched. */
function writeInOrder(batches: Array<[MessageStore, StoreOp[]]>): Promise<void> {
  let p = Promise.resolve();
  for (const [store, ops] of batches) p = p.then(() => store.write(ops));
  return p;
}

function describeCode(code: BrokerErrorCode): string {
  return code.toLowerCase().replace(/_/g, ' ');
}

function requireHeader(headers: StompHeaders, name: string, command: string): string {
  const value = headers[name];
  if (value === undefined) throw missingHeader(name, command);
  return value;
}

function missingHeader(name: string, command: string): StompProtocolError {
  return new StompProtocolError('MISSING_HEADER', `missing ${name} header`, `${command} requires a ${name} header.`);
}

function unknownCommand(command: string): StompProtocolError {
  return new StompProtocolError('UNKNOWN_COMMAND', 'unknown command', `${JSON.stringify(command.slice(0, 40))} is not a STOMP command this broker accepts here.`);
}

function unknownAck(id: string, command: string): StompProtocolError {
  return new StompProtocolError('UNKNOWN_ACK_ID', 'unknown ack id', `${command} names ${JSON.stringify(id.slice(0, 100))}, which is not an unacknowledged message of this connection.`);
}

function unknownTransaction(id: string): StompProtocolError {
  return new StompProtocolError('UNKNOWN_TRANSACTION', 'unknown transaction', `No active transaction ${JSON.stringify(id.slice(0, 100))} on this connection.`);
}

function parseAckMode(value: string | undefined): AckMode {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'client' || value === 'client-individual') return value;
  throw new StompProtocolError('INVALID_HEADER', 'invalid ack header', `ack must be auto, client or client-individual, not ${JSON.stringify(value.slice(0, 40))}.`);
}

function parsePrefetch(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PREFETCH;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new StompProtocolError('INVALID_HEADER', 'invalid activemq.prefetchSize', `activemq.prefetchSize must be a positive integer, not ${JSON.stringify(value.slice(0, 40))}.`);
  }
  return n;
}

function parseSelectorHeader(value: string | undefined): Selector | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return parseSelector(value);
  } catch (error) {
    if (error instanceof InvalidSelectorError) {
      // The message header names the position and what was expected: what users see first.
      throw new StompProtocolError('INVALID_SELECTOR', error.message, `Selector ${JSON.stringify(value.slice(0, 500))}: ${error.message}.`);
    }
    throw error;
  }
}

/** The durable subscription name of a SUBSCRIBE/UNSUBSCRIBE (ActiveMQ's header, or its legacy alias). */
function durableNameOf(h: StompHeaders): string | undefined {
  return h['activemq.subscriptionName'] ?? h['durable-subscription-name'] ?? h['durable-subscriber-name'];
}
