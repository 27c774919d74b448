import type { BrokerConfig, DeadLetterStrategy, PolicyEntry, RedeliveryPolicy } from '@tsmq/config';
import { parseSelector, type Selector } from '@tsmq/selector';
import { StompProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import { MemoryMessageStore } from '../store/memory-store.js';
import {
  durableContainer,
  type DurableSubscriptionRecord,
  type MessageStore,
  type StoredMessage,
  type StoreRecovery,
} from '../store/message-store.js';
import type { Destination, DestinationStats } from './destination.js';
import { type DestinationName, isWildcard, matchesPattern, parseDestination } from './destination-name.js';
import { DeliveryPlan } from './delivery-plan.js';
import type { MemoryUsage } from './memory-usage.js';
import { QueueDestination, type QueueServices } from './queue.js';
import { MessageScheduler, periodOf, repeatsLeft, SCHEDULER_CONTAINER } from './scheduler.js';
import { type DurableCopy, TopicDestination } from './topic.js';

/** Where message seqs and ids come from (the broker's counters). */
export interface MessageIds {
  nextSeq(): number;
  messageId(seq: number): string;
}

/** Who sent a message: noLocal subscriptions skip their own connection's (or client id's) messages. */
export interface Origin {
  readonly connectionId: string;
  readonly clientId: string | undefined;
}

/** How many deleted temporary destination names are remembered to refuse late SENDs. */
const DELETED_TEMP_MEMORY = 10_000;

/**
 * Every destination of the broker, created on first use. Temporary destinations belong to the
 * connection that first used them and go when it closes.
 */
export class DestinationRegistry {
  private readonly queues = new Map<string, QueueDestination>();
  private readonly topics = new Map<string, TopicDestination>();
  private readonly tempOwners = new Map<string, string>();
  private readonly deletedTemps = new Map<string, true>();
  private readonly services: QueueServices;
  /** Durable topic subscriptions by container name. */
  private readonly durables = new Map<string, { record: DurableSubscriptionRecord; queue: QueueDestination; topic: TopicDestination }>();
  /** Topics named by a wildcard pattern: they receive what is published to every topic they match. */
  private readonly wildcardTopics = new Map<string, TopicDestination>();
  /** For each concrete topic published to, the wildcard topics matching it; cleared when those change. */
  private readonly wildcardMatches = new Map<string, TopicDestination[]>();
  /** Connected client ids and the connection holding each (JMS 1.1 §4.3.2: one connection per client id). */
  private readonly clientIds = new Map<string, string>();
  /** Scheduled sends (AMQ_SCHEDULED_*), all in one time-ordered heap. */
  private readonly scheduler = new MessageScheduler((m) => this.fireScheduled(m));

  constructor(
    private readonly config: BrokerConfig,
    persistent: MessageStore,
    private readonly transient: MemoryMessageStore,
    logger: Logger,
    /** Memory held by non-persistent messages and topic subscribers' pending messages. */
    readonly memory: MemoryUsage,
    private readonly ids: MessageIds = fallbackIds(),
  ) {
    this.services = {
      stores: { persistent, transient },
      logger,
      deadLetter: (queue, message, reason) => this.deadLetter(queue, message, reason),
      redeliveryDelay: (count) => redeliveryDelay(config.redeliveryPolicy, count),
    };
  }

  /**
   * Recreates the queues, durable subscriptions and scheduled messages the persistent store
   * still holds. Resolves once the scheduled messages are loaded back into the scheduler.
   */
  async recover(recovery: StoreRecovery): Promise<void> {
    for (const record of recovery.subscriptions) {
      try {
        this.createDurable(record, record.selector === '' ? undefined : parseSelector(record.selector));
      } catch (error) {
        this.services.logger.error(`cannot restore durable subscription ${record.clientId}:${record.name}`, error);
      }
    }
    for (const [container, count] of recovery.containers) {
      if (container === SCHEDULER_CONTAINER) {
        await this.recoverScheduled(count);
        continue;
      }
      const durable = this.durables.get(container);
      if (durable) {
        durable.queue.recover(count);
        continue;
      }
      if (!container.startsWith('queue:')) continue;
      const name = parseDestination(`/queue/${container.slice('queue:'.length)}`);
      if (name) this.queue(name).recover(count);
    }
  }

  /**
   * Registers the client id of a connection.
   * @throws StompProtocolError INVALID_CLIENT_ID when another connection holds it (JMS 1.1
   * §4.3.2, InvalidClientIDException).
   */
  claimClientId(clientId: string, connectionId: string): void {
    const holder = this.clientIds.get(clientId);
    if (holder !== undefined && holder !== connectionId) {
      throw new StompProtocolError('INVALID_CLIENT_ID', 'client id already in use', `Client id ${JSON.stringify(clientId.slice(0, 100))} is already connected; a client id identifies one connection at a time.`);
    }
    this.clientIds.set(clientId, connectionId);
  }

  /** The connection holding `clientId` closed. */
  releaseClientId(clientId: string, connectionId: string): void {
    if (this.clientIds.get(clientId) === connectionId) this.clientIds.delete(clientId);
  }

  /**
   * The durable subscription `clientId`/`name` on `topicHeader`, created (and stored) if needed.
   * A subscription that exists with another topic, selector or noLocal is replaced, dropping its
   * messages, as JMS 1.1 §6.11.1 (and for noLocal JMS 2.0 Session.createDurableConsumer) requires.
   * @throws StompProtocolError DURABLE_SUBSCRIPTION_IN_USE when it has an active consumer.
   */
  subscribeDurable(clientId: string, name: string, topicHeader: string, selector: Selector | undefined, noLocal = false): QueueDestination {
    const container = durableContainer(clientId, name);
    const selectorText = selector?.text ?? '';
    const existing = this.durables.get(container);
    if (existing) {
      if (existing.queue.consumerCount > 0) {
        throw new StompProtocolError('DURABLE_SUBSCRIPTION_IN_USE', 'durable subscription in use', `Durable subscription ${JSON.stringify(name)} of client id ${JSON.stringify(clientId)} already has an active consumer.`);
      }
      const r = existing.record;
      if (r.destination === topicHeader && r.selector === selectorText && r.noLocal === noLocal) return existing.queue;
      this.unsubscribeDurable(clientId, name);
    }
    const record: DurableSubscriptionRecord = { clientId, name, destination: topicHeader, selector: selectorText, noLocal };
    const queue = this.createDurable(record, selector);
    this.services.stores.persistent
      .write([{ op: 'addSubscription', subscription: record }])
      .catch((error: unknown) => this.services.logger.error(`cannot store durable subscription ${clientId}:${name}`, error));
    return queue;
  }

  private createDurable(record: DurableSubscriptionRecord, selector: Selector | undefined): QueueDestination {
    const topicName = parseDestination(record.destination);
    if (!topicName || topicName.kind !== 'topic') {
      throw new StompProtocolError('INVALID_DESTINATION', 'durable subscriptions need a topic', `${record.destination} is not a /topic/ destination.`);
    }
    const topic = this.topic(topicName);
    const container = durableContainer(record.clientId, record.name);
    const queue = new QueueDestination(topicName, topic.policy, this.services, container);
    topic.addDurable({ queue, selector, noLocal: record.noLocal, clientId: record.clientId });
    this.durables.set(container, { record, queue, topic });
    return queue;
  }

  /**
   * Deletes a durable subscription and its messages (UNSUBSCRIBE naming it).
   * @throws StompProtocolError INVALID_DESTINATION when there is none (JMS 1.1
   * Session.unsubscribe: an unknown name is an InvalidDestinationException), DURABLE_SUBSCRIPTION_IN_USE
   * while a consumer is attached to it.
   */
  unsubscribeDurable(clientId: string, name: string): void {
    const container = durableContainer(clientId, name);
    const entry = this.durables.get(container);
    if (!entry) {
      throw new StompProtocolError('INVALID_DESTINATION', 'unknown durable subscription', `No durable subscription ${JSON.stringify(name)} for client id ${JSON.stringify(clientId)}.`);
    }
    if (entry.queue.consumerCount > 0) {
      throw new StompProtocolError('DURABLE_SUBSCRIPTION_IN_USE', 'durable subscription in use', `Durable subscription ${JSON.stringify(name)} still has an active consumer; unsubscribe it first.`);
    }
    this.durables.delete(container);
    entry.topic.removeDurable(entry.queue);
    entry.queue.destroy();
    this.transient.dropContainer(container);
    this.services.stores.persistent
      .write([{ op: 'removeSubscription', clientId, name }])
      .catch((error: unknown) => this.services.logger.error(`cannot delete durable subscription ${clientId}:${name}`, error));
  }

  /**
   * The destinations a SEND names: one, or several for an ActiveMQ composite destination
   * (`/queue/a,/topic/b`).
   * @throws StompProtocolError INVALID_DESTINATION for a wildcard or malformed destination, and
   * as {@link resolve}.
   */
  resolveSend(header: string, connectionId: string): Destination[] {
    if (!header.includes(',')) return [this.resolve(header, connectionId, 'send')];
    const out: Destination[] = [];
    for (const part of header.split(',')) {
      const d = this.resolve(part.trim(), connectionId, 'send');
      if (!out.includes(d)) out.push(d);
    }
    return out;
  }

  /**
   * Routes a stamped message to `destinations`: stores it (and its durable subscription copies)
   * and then makes it deliverable. Returns a promise when something is being stored (the SEND's
   * receipt waits for it), undefined when it was delivered at once.
   */
  send(destinations: readonly Destination[], message: StoredMessage, origin: Origin | undefined): Promise<void> | undefined {
    const only = destinations.length === 1 ? destinations[0] : undefined;
    if (message.deliverAt === 0) {
      if (only instanceof QueueDestination) return only.enqueue(message);
      // The common topic case: nothing to store, so no plan.
      if (only instanceof TopicDestination && !only.hasDurables && this.wildcardsMatching(only).length === 0) {
        only.deliver(message, origin?.connectionId);
        return undefined;
      }
    }
    const plan = new DeliveryPlan();
    this.plan(destinations, message, origin, plan);
    const written = plan.write();
    if (written === undefined) {
      plan.apply();
      return undefined;
    }
    return written.then(() => plan.apply());
  }

  /**
   * Adds to `plan` the store ops that route `message` to `destinations`, and the steps that make
   * it deliverable once they are written. Transactions collect every send of a COMMIT in one
   * plan so that the queue messages, the durable subscriptions' copies and the acknowledgements
   * are one atomic write per store.
   */
  plan(destinations: readonly Destination[], message: StoredMessage, origin: Origin | undefined, plan: DeliveryPlan): void {
    if (message.deliverAt !== 0) {
      // The scheduler keeps one entry for all targets; they are resolved again when it fires.
      plan.add(this.schedulerStore(message), { op: 'add', container: SCHEDULER_CONTAINER, message });
      plan.then(() => this.scheduler.add(this.schedulerStore(message) === this.services.stores.persistent ? stub(message) : message));
      return;
    }
    const composite = destinations.length > 1;
    for (let i = 0; i < destinations.length; i++) {
      const d = destinations[i]!;
      // Each composite element is its own copy under the same message id; a seq of its own keeps
      // two elements that one wildcard durable subscription matches from colliding in its container.
      const m = composite ? { ...message, destination: d.name.full, seq: i === 0 ? message.seq : this.ids.nextSeq() } : message;
      if (d instanceof QueueDestination) {
        plan.add(d.storeFor(m), d.addOp(m));
        plan.then(() => d.accept(m));
      } else {
        this.planTopic(d as TopicDestination, m, origin, plan);
      }
    }
  }

  private planTopic(topic: TopicDestination, message: StoredMessage, origin: Origin | undefined, plan: DeliveryPlan): void {
    const wildcards = this.wildcardsMatching(topic);
    const copies: DurableCopy[] = [];
    topic.durableCopies(message, origin?.clientId, copies);
    for (const w of wildcards) w.durableCopies(message, origin?.clientId, copies);
    for (const c of copies) plan.add(c.queue.storeFor(c.message), c.queue.addOp(c.message));
    const connectionId = origin?.connectionId;
    plan.then(() => {
      for (const c of copies) c.queue.accept(c.message);
      topic.deliver(message, connectionId);
      for (const w of wildcards) w.deliver(message, connectionId);
    });
  }

  /** Wildcard topics whose pattern matches `topic` (ActiveMQ: `.` separates, `*` one element, `>` the rest). */
  private wildcardsMatching(topic: TopicDestination): readonly TopicDestination[] {
    if (this.wildcardTopics.size === 0 || topic.name.kind !== 'topic') return NONE;
    let list = this.wildcardMatches.get(topic.name.full);
    if (list === undefined) {
      list = [];
      for (const w of this.wildcardTopics.values()) if (matchesPattern(w.name.name, topic.name.name)) list.push(w);
      this.wildcardMatches.set(topic.name.full, list);
    }
    return list;
  }

  /** The store of a scheduled message: temporary destinations keep everything in memory. */
  private schedulerStore(message: StoredMessage): MessageStore {
    return message.persistent && !message.destination.includes('/temp-') ? this.services.stores.persistent : this.transient;
  }

  /**
   * A scheduled message is due: a copy goes to its destinations (with a new id for each repeat)
   * and the scheduler entry is updated for the next repeat or removed, in one write.
   */
  private fireScheduled(entry: StoredMessage): void {
    if (entry.body !== STUB_BODY) return this.deliverScheduled(entry);
    // Only the persistent entry has the body: read it back now that it is needed.
    this.services.stores.persistent.load(SCHEDULER_CONTAINER, entry.seq - 1, 1).then(
      ([full]) => {
        if (full === undefined || full.seq !== entry.seq) return;
        this.deliverScheduled({ ...full, redeliveryCount: entry.redeliveryCount, deliverAt: entry.deliverAt });
      },
      (error: unknown) => this.services.logger.error(`cannot load a scheduled message for ${entry.destination}`, error),
    );
  }

  private deliverScheduled(entry: StoredMessage): void {
    const log = (error: unknown) => this.services.logger.error(`cannot deliver a scheduled message to ${entry.destination}`, error);
    const fired = entry.redeliveryCount + 1;
    let destinations: Destination[] = [];
    try {
      destinations = this.resolveSend(entry.destination, '');
    } catch (error) {
      // A temporary destination deleted since: the message has nowhere to go.
      this.services.logger.warn(`dropping a scheduled message: ${(error as Error).message}`);
    }
    const seq = this.ids.nextSeq();
    const copy: StoredMessage = { ...entry, seq, messageId: fired === 1 ? entry.messageId : this.ids.messageId(seq), deliverAt: 0, redeliveryCount: 0 };
    const plan = new DeliveryPlan();
    this.plan(destinations, copy, undefined, plan);
    const store = this.schedulerStore(entry);
    let next: StoredMessage | undefined;
    if (destinations.length > 0 && repeatsLeft(entry, fired)) {
      next = { ...entry, redeliveryCount: fired, deliverAt: entry.deliverAt + periodOf(entry) };
      if (store === this.services.stores.persistent) next = stub(next);
      plan.add(store, { op: 'update', container: SCHEDULER_CONTAINER, seq: entry.seq, redeliveryCount: fired, deliverAt: next.deliverAt });
    } else {
      plan.add(store, { op: 'remove', container: SCHEDULER_CONTAINER, seq: entry.seq });
    }
    plan.write()!.then(() => {
      plan.apply();
      if (next) this.scheduler.add(next);
    }, log);
  }

  /** Loads the persistent scheduled messages into the scheduler a page at a time, keeping no bodies. */
  private async recoverScheduled(count: number): Promise<void> {
    const persistent = this.services.stores.persistent;
    let after = 0;
    for (let left = count; left > 0; ) {
      const page = await persistent.load(SCHEDULER_CONTAINER, after, Math.min(left, RECOVERY_PAGE));
      if (page.length === 0) break;
      for (const m of page) this.scheduler.add(stub(m));
      after = page[page.length - 1]!.seq;
      left -= page.length;
    }
  }

  /** Messages waiting in the scheduler. */
  get scheduledCount(): number {
    return this.scheduler.size;
  }

  /** Stops every timer (the broker stops; the store keeps the scheduled and delayed messages). */
  stop(): void {
    this.scheduler.stop();
    for (const q of this.queues.values()) q.stopTimers();
    for (const d of this.durables.values()) d.queue.stopTimers();
  }

  /**
   * The destination a frame names, created if needed.
   * @throws StompProtocolError INVALID_DESTINATION for an unknown prefix or someone else's
   * temporary destination to subscribe to, DESTINATION_DELETED for a temporary destination
   * whose owner has gone.
   */
  resolve(header: string, connectionId: string, purpose: 'send' | 'subscribe'): Destination {
    const name = parseDestination(header);
    if (name && isWildcard(name.name)) {
      if (purpose === 'send') {
        throw new StompProtocolError('INVALID_DESTINATION', 'cannot send to a wildcard destination', `${header.slice(0, 200)} contains a wildcard (* or >); send to a concrete destination.`);
      }
      if (name.kind !== 'topic') {
        throw new StompProtocolError('INVALID_DESTINATION', 'wildcards are supported on topics only', `${header.slice(0, 200)}: subscribe to a concrete queue.`);
      }
    }
    if (name && purpose === 'subscribe' && header.includes(',')) {
      throw new StompProtocolError('INVALID_DESTINATION', 'cannot subscribe to a composite destination', `${header.slice(0, 200)} names several destinations; composite destinations are for sending only.`);
    }
    if (!name) {
      throw new StompProtocolError(
        'INVALID_DESTINATION',
        'invalid destination',
        `Destination ${JSON.stringify(header.slice(0, 200))} must start with /queue/, /topic/, /temp-queue/ or /temp-topic/ and name something.`,
      );
    }
    if (name.kind === 'temp-queue' || name.kind === 'temp-topic') {
      const owner = this.tempOwners.get(name.full);
      if (owner === undefined) {
        if (this.deletedTemps.has(name.full)) {
          throw new StompProtocolError(
            'DESTINATION_DELETED',
            'temporary destination deleted',
            `${name.full} was deleted when the connection that created it closed.`,
          );
        }
        this.tempOwners.set(name.full, connectionId);
      } else if (owner !== connectionId && purpose === 'subscribe') {
        throw new StompProtocolError(
          'INVALID_DESTINATION',
          'not the owner of this temporary destination',
          `Only the connection that created ${name.full} may consume from it.`,
        );
      }
    }
    return name.kind === 'queue' || name.kind === 'temp-queue' ? this.queue(name) : this.topic(name);
  }

  /** True when `name` exists already, i.e. using it would not create it. */
  exists(name: DestinationName): boolean {
    return (name.kind === 'queue' || name.kind === 'temp-queue' ? this.queues : this.topics).has(name.full);
  }

  /** The queue named `name` (e.g. for a dead-letter queue), created if needed. */
  queue(name: DestinationName): QueueDestination {
    let q = this.queues.get(name.full);
    if (!q) {
      const policy = this.policyFor(name);
      // A policy memoryLimit gets its own usage before any of the queue's bytes are counted.
      this.memory.forDestination(name, policy.memoryLimit);
      q = new QueueDestination(name, policy, this.services);
      this.queues.set(name.full, q);
    }
    return q;
  }

  private topic(name: DestinationName): TopicDestination {
    let t = this.topics.get(name.full);
    if (!t) {
      const policy = this.policyFor(name);
      t = new TopicDestination(name, policy, this.memory.forDestination(name, policy.memoryLimit), {
        maximumRedeliveries: this.config.redeliveryPolicy.maximumRedeliveries,
        deadLetter: (topic, message, cause) => this.deadLetterTopic(topic, message, cause),
      });
      this.topics.set(name.full, t);
      if (name.kind === 'topic' && isWildcard(name.name)) {
        this.wildcardTopics.set(name.full, t);
        this.wildcardMatches.clear();
      }
    }
    return t;
  }

  /** The first policy entry whose pattern matches, else the default policy. */
  policyFor(name: DestinationName): PolicyEntry {
    const queueLike = name.kind === 'queue' || name.kind === 'temp-queue';
    for (const entry of this.config.destinationPolicies) {
      const pattern = queueLike ? entry.queue : entry.topic;
      if (pattern !== undefined && matchesPattern(pattern, name.name)) return entry;
    }
    return this.config.defaultPolicy;
  }

  /** Deletes the temporary destinations `connectionId` created, with their messages. */
  deleteTemporaries(connectionId: string): void {
    for (const [full, owner] of this.tempOwners) {
      if (owner !== connectionId) continue;
      this.tempOwners.delete(full);
      this.deletedTemps.set(full, true);
      if (this.deletedTemps.size > DELETED_TEMP_MEMORY) {
        this.deletedTemps.delete(this.deletedTemps.keys().next().value!);
      }
      const q = this.queues.get(full);
      if (q) {
        q.destroy();
        this.queues.delete(full);
        this.transient.dropContainer(q.container);
      }
      const t = this.topics.get(full);
      if (t) {
        t.destroy();
        this.topics.delete(full);
      }
      const gone = q ?? t;
      if (gone) this.memory.forgetDestination(gone.name);
    }
  }

  /**
   * Moves a message NACKed too often to its dead-letter queue (or drops it) per the policy of
   * its queue. Returns false when the message should stay (unlimited redeliveries).
   */
  private deadLetter(queue: QueueDestination, message: StoredMessage, reason: 'redelivery' | 'expired'): boolean {
    const strategy = queue.policy.deadLetterStrategy;
    let cause = 'expired';
    if (reason === 'redelivery') {
      const max = this.config.redeliveryPolicy.maximumRedeliveries;
      if (max < 0 || message.redeliveryCount <= max) return false;
      cause = `redelivery count ${message.redeliveryCount} exceeded maximumRedeliveries ${max} (NACK)`;
    }
    const log = (error: unknown) => this.services.logger.error(`cannot dead-letter a message of ${queue.name.full}`, error);
    const removeFromQueue = () => queue.storeFor(message).write([queue.removeOp(message)]).catch(log);
    if (
      strategy.kind === 'discarding' ||
      (reason === 'expired' && !strategy.processExpired) ||
      (!message.persistent && !strategy.processNonPersistent) ||
      queue.name.kind === 'temp-queue' ||
      queue.name.kind === 'temp-topic'
    ) {
      void removeFromQueue();
      return true;
    }
    const dlq = this.deadLetterQueue(strategy, message);
    if (dlq === queue) return false;
    const moved = this.deadLetterCopy(message, dlq, cause);
    const store = queue.storeFor(message);
    // One atomic write: the message is found in exactly one of the two queues after a crash.
    store.write([queue.removeOp(message), dlq.addOp(moved)]).then(() => dlq.accept(moved), log);
    return true;
  }

  /**
   * A non-durable topic subscriber NACKed `message` past maximumRedeliveries: it goes to the
   * dead-letter queue per the topic's policy, or is dropped (non-persistent, discarding).
   */
  private deadLetterTopic(topic: TopicDestination, message: StoredMessage, cause: string): void {
    const strategy = topic.policy.deadLetterStrategy;
    if (strategy.kind === 'discarding' || (!message.persistent && !strategy.processNonPersistent) || topic.name.kind === 'temp-topic') return;
    const dlq = this.deadLetterQueue(strategy, message);
    dlq
      .enqueue(this.deadLetterCopy(message, dlq, cause))
      ?.catch((error: unknown) => this.services.logger.error(`cannot dead-letter a message of ${topic.name.full}`, error));
  }

  /** The dead-letter queue of `message` under `strategy` (shared, or per destination with a prefix). */
  private deadLetterQueue(strategy: Exclude<DeadLetterStrategy, { kind: 'discarding' }>, message: StoredMessage): QueueDestination {
    const from = parseDestination(message.destination);
    const name =
      strategy.kind === 'shared'
        ? strategy.queue
        : from?.kind === 'topic'
          ? `${strategy.topicPrefix}${from.name}`
          : `${strategy.queuePrefix}${from?.name ?? 'unknown'}`;
    return this.queue(parseDestination(`/queue/${name}`)!);
  }

  /**
   * The dead letter for `message`: ActiveMQ's headers saying why and from where
   * (`original-destination` is what its STOMP connector sends), and no expiry, else an expired
   * message would expire again in the DLQ. A fresh seq, since copies of one topic message
   * (durable subscriptions share the seq) may all end up in the same DLQ.
   */
  private deadLetterCopy(message: StoredMessage, dlq: QueueDestination, cause: string): StoredMessage {
    const headers: Record<string, string> = {
      ...message.headers,
      'original-destination': message.destination,
      originalDestination: message.destination,
      originalMessageId: message.messageId,
      dlqDeliveryFailureCause: cause,
    };
    delete headers.expires;
    return { ...message, seq: this.ids.nextSeq(), destination: dlq.name.full, redeliveryCount: 0, expires: 0, headers };
  }

  stats(): DestinationStats[] {
    const out: DestinationStats[] = [];
    for (const q of this.queues.values()) out.push(q.stats());
    for (const t of this.topics.values()) out.push(t.stats());
    for (const [container, d] of this.durables) out.push({ ...d.queue.stats(), destination: container });
    return out;
  }
}

/**
 * Delay before the `count`-th redelivery (1 = first): `initialRedeliveryDelay`, multiplied by
 * `backOffMultiplier` per further redelivery when `useExponentialBackOff`, capped by
 * `maximumRedeliveryDelay` (ActiveMQ's RedeliveryPolicy).
 */
export function redeliveryDelay(policy: RedeliveryPolicy, count: number): number {
  const initial = policy.initialRedeliveryDelay;
  let delay: number;
  if (count <= 1) delay = initial;
  else if (policy.useExponentialBackOff) delay = initial * policy.backOffMultiplier ** (count - 1);
  else delay = policy.redeliveryDelay ?? initial;
  if (!(delay > 0)) return 0;
  if (policy.maximumRedeliveryDelay >= 0) delay = Math.min(delay, policy.maximumRedeliveryDelay);
  return delay;
}

const NONE: readonly TopicDestination[] = [];

/**
 * Body of a scheduler entry whose message is in the persistent store: the heap keeps only what
 * ordering and routing need, so scheduled messages waiting for days cost no body memory.
 */
const STUB_BODY = new Uint8Array(0);
const stub = (m: StoredMessage): StoredMessage => ({ ...m, body: STUB_BODY });

/** Scheduled messages read per store load at startup. */
const RECOVERY_PAGE = 1000;

/** Ids for a registry used without a broker (tests of the core alone). */
function fallbackIds(): MessageIds {
  let seq = 0;
  return { nextSeq: () => ++seq, messageId: (s) => `ID:local-${s}` };
}
