import type { BrokerConfig, PolicyEntry, RedeliveryPolicy } from '@tsmq/config';
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
import { type DestinationName, matchesPattern, parseDestination } from './destination-name.js';
import type { MemoryUsage } from './memory-usage.js';
import { QueueDestination, type QueueServices } from './queue.js';
import { TopicDestination } from './topic.js';

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

  constructor(
    private readonly config: BrokerConfig,
    persistent: MessageStore,
    private readonly transient: MemoryMessageStore,
    logger: Logger,
    /** Memory held by non-persistent messages and topic subscribers' pending messages. */
    readonly memory: MemoryUsage,
  ) {
    this.services = {
      stores: { persistent, transient },
      logger,
      deadLetter: (queue, message, reason) => this.deadLetter(queue, message, reason),
      redeliveryDelay: (count) => redeliveryDelay(config.redeliveryPolicy, count),
    };
  }

  /** Recreates the queues and durable subscriptions the persistent store still holds. */
  recover(recovery: StoreRecovery): void {
    for (const record of recovery.subscriptions) {
      try {
        this.createDurable(record, record.selector === '' ? undefined : parseSelector(record.selector));
      } catch (error) {
        this.services.logger.error(`cannot restore durable subscription ${record.clientId}:${record.name}`, error);
      }
    }
    for (const [container, count] of recovery.containers) {
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
   * The durable subscription `clientId`/`name` on `topicHeader`, created (and stored) if needed.
   * A subscription that exists with another topic or selector is replaced, dropping its
   * messages, as JMS 1.1 §6.11.1 requires.
   */
  subscribeDurable(clientId: string, name: string, topicHeader: string, selector: Selector | undefined): QueueDestination {
    const container = durableContainer(clientId, name);
    const selectorText = selector?.text ?? '';
    const existing = this.durables.get(container);
    if (existing) {
      if (existing.record.destination === topicHeader && existing.record.selector === selectorText) return existing.queue;
      this.unsubscribeDurable(clientId, name);
    }
    const record: DurableSubscriptionRecord = { clientId, name, destination: topicHeader, selector: selectorText, noLocal: false };
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
    topic.addDurable(queue, selector);
    this.durables.set(container, { record, queue, topic });
    return queue;
  }

  /**
   * Deletes a durable subscription and its messages (UNSUBSCRIBE naming it).
   * @throws StompProtocolError UNKNOWN_SUBSCRIPTION when there is none.
   */
  unsubscribeDurable(clientId: string, name: string): void {
    const container = durableContainer(clientId, name);
    const entry = this.durables.get(container);
    if (!entry) {
      throw new StompProtocolError('UNKNOWN_SUBSCRIPTION', 'unknown durable subscription', `No durable subscription ${JSON.stringify(name)} for client id ${JSON.stringify(clientId)}.`);
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
   * The destination a frame names, created if needed.
   * @throws StompProtocolError INVALID_DESTINATION for an unknown prefix or someone else's
   * temporary destination to subscribe to, DESTINATION_DELETED for a temporary destination
   * whose owner has gone.
   */
  resolve(header: string, connectionId: string, purpose: 'send' | 'subscribe'): Destination {
    const name = parseDestination(header);
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

  /** The queue named `name` (e.g. for a dead-letter queue), created if needed. */
  queue(name: DestinationName): QueueDestination {
    let q = this.queues.get(name.full);
    if (!q) {
      q = new QueueDestination(name, this.policyFor(name), this.services);
      this.queues.set(name.full, q);
    }
    return q;
  }

  private topic(name: DestinationName): TopicDestination {
    let t = this.topics.get(name.full);
    if (!t) {
      t = new TopicDestination(name, this.policyFor(name), this.memory);
      this.topics.set(name.full, t);
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
    }
  }

  /**
   * Moves a message NACKed too often to its dead-letter queue (or drops it) per the policy of
   * its queue. Returns false when the message should stay (unlimited redeliveries).
   */
  private deadLetter(queue: QueueDestination, message: StoredMessage, reason: 'redelivery' | 'expired'): boolean {
    const strategy = queue.policy.deadLetterStrategy;
    if (reason === 'redelivery') {
      const max = this.config.redeliveryPolicy.maximumRedeliveries;
      if (max < 0 || message.redeliveryCount <= max) return false;
    }
    const log = (error: unknown) => this.services.logger.error(`cannot dead-letter a message of ${queue.name.full}`, error);
    const removeFromQueue = () => queue.storeFor(message).write([queue.removeOp(message)]).catch(log);
    if (
      strategy.kind === 'discarding' ||
      (reason === 'expired' && !strategy.processExpired) ||
      (!message.persistent && !strategy.processNonPersistent) ||
      queue.name.kind === 'temp-queue'
    ) {
      void removeFromQueue();
      return true;
    }
    const dlqName = strategy.kind === 'shared' ? strategy.queue : `${strategy.queuePrefix}${queue.name.name}`;
    const dlq = this.queue(parseDestination(`/queue/${dlqName}`)!);
    if (dlq === queue) return false;
    const headers: Record<string, string> = { ...message.headers, 'original-destination': queue.name.full };
    // As in ActiveMQ, a dead letter does not expire (else an expired message would expire again in the DLQ).
    delete headers.expires;
    const moved: StoredMessage = { ...message, destination: dlq.name.full, redeliveryCount: 0, expires: 0, headers };
    const store = queue.storeFor(message);
    // One atomic write: the message is found in exactly one of the two queues after a crash.
    store.write([queue.removeOp(message), dlq.addOp(moved)]).then(() => dlq.accept(moved), log);
    return true;
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
  let delay = policy.initialRedeliveryDelay;
  if (delay <= 0) return 0;
  if (policy.useExponentialBackOff) delay *= policy.backOffMultiplier ** Math.max(0, count - 1);
  if (policy.maximumRedeliveryDelay >= 0) delay = Math.min(delay, policy.maximumRedeliveryDelay);
  return delay;
}
