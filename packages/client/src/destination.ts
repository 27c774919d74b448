/**
 * JMS destinations and their STOMP names (`/queue/NAME`, `/topic/NAME`, `/temp-queue/NAME`,
 * `/temp-topic/NAME`), as ActiveMQ's STOMP transport names them.
 * @packageDocumentation
 */
import { InvalidDestinationException } from './errors.js';

/** The kinds of destination. */
export type DestinationKind = 'queue' | 'topic' | 'temp-queue' | 'temp-topic';

/** A JMS destination: where a message is sent to or consumed from. */
export abstract class Destination {
  /** @internal */
  protected constructor(
    /** Which kind of destination this is. */
    readonly kind: DestinationKind,
    /** The name without the STOMP prefix, e.g. `orders` for `/queue/orders`. */
    readonly name: string,
  ) {
    if (name.length === 0) throw new InvalidDestinationException('a destination name must not be empty');
  }

  /** The STOMP destination header value, e.g. `/queue/orders`. */
  get stompName(): string {
    return `/${this.kind}/${this.name}`;
  }

  /** Two destinations are equal when they name the same STOMP destination. */
  equals(other: unknown): boolean {
    return other instanceof Destination && other.stompName === this.stompName;
  }

  /** ActiveMQ prints destinations as `queue://NAME` / `topic://NAME`. */
  toString(): string {
    return `${this.kind}://${this.name}`;
  }
}

/** A point-to-point destination: each message goes to one consumer. */
export class Queue extends Destination {
  constructor(name: string) {
    super('queue', name);
  }
  /** JMS `Queue.getQueueName()`. */
  getQueueName(): string {
    return this.name;
  }
}

/** A publish/subscribe destination: each message goes to every subscriber. */
export class Topic extends Destination {
  constructor(name: string) {
    super('topic', name);
  }
  /** JMS `Topic.getTopicName()`. */
  getTopicName(): string {
    return this.name;
  }
}

/** Something that can delete a temporary destination: the connection that created it. */
export interface TemporaryDestinationOwner {
  /** @internal */
  deleteTemporaryDestination(destination: Destination): Promise<void>;
}

/** A queue that lives as long as the connection that created it. */
export class TemporaryQueue extends Destination {
  /** @internal */
  constructor(
    name: string,
    private readonly owner?: TemporaryDestinationOwner,
  ) {
    super('temp-queue', name);
  }
  getQueueName(): string {
    return this.name;
  }
  /** Deletes the queue now instead of when the connection closes. */
  async delete(): Promise<void> {
    await this.owner?.deleteTemporaryDestination(this);
  }
}

/** A topic that lives as long as the connection that created it. */
export class TemporaryTopic extends Destination {
  /** @internal */
  constructor(
    name: string,
    private readonly owner?: TemporaryDestinationOwner,
  ) {
    super('temp-topic', name);
  }
  getTopicName(): string {
    return this.name;
  }
  /** Deletes the topic now instead of when the connection closes. */
  async delete(): Promise<void> {
    await this.owner?.deleteTemporaryDestination(this);
  }
}

/**
 * Parses a STOMP destination header (`/queue/a`, `/topic/a`, `/temp-queue/a`, `/temp-topic/a`;
 * ActiveMQ also uses `/remote-temp-queue/` for another connection's temporary queue). A name with
 * no known prefix is taken as a queue, as ActiveMQ does.
 */
export function destinationFromStomp(header: string): Destination {
  const slash = header.indexOf('/', 1);
  if (header.charCodeAt(0) === 47 /* / */ && slash > 0) {
    const prefix = header.slice(1, slash);
    const name = header.slice(slash + 1);
    switch (prefix) {
      case 'queue':
        return new Queue(name);
      case 'topic':
        return new Topic(name);
      case 'temp-queue':
      case 'remote-temp-queue':
        return new TemporaryQueue(name);
      case 'temp-topic':
      case 'remote-temp-topic':
        return new TemporaryTopic(name);
    }
  }
  return new Queue(header);
}
