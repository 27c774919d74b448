import type { Queue, TemporaryQueue, TemporaryTopic, Topic } from '../destination.js';
import { IllegalStateException } from '../errors.js';
import type { Message } from '../message/message.js';
import type { MessageConsumer } from './message-consumer.js';
import type { MessageProducer } from './message-producer.js';
import type { Session } from './session.js';

/**
 * Request/reply over a temporary destination, like JMS `QueueRequestor` / `TopicRequestor`:
 * each request carries JMSReplyTo (the temporary destination) and a JMSCorrelationID (its own,
 * or a generated one); the next reply is returned, except replies correlated with an earlier
 * request that timed out, which are skipped.
 */
class Requestor {
  private reply: { temporary: TemporaryQueue | TemporaryTopic; consumer: MessageConsumer; producer: MessageProducer } | undefined;
  private closed = false;
  private requestSeq = 0;
  private readonly abandoned = new Set<string>();

  protected constructor(
    private readonly session: Session,
    private readonly destination: Queue | Topic,
    private readonly kind: 'queue' | 'topic',
  ) {}

  /**
   * Sends `message` and waits for its reply: forever without `timeout`, else at most `timeout` ms
   * (null when no reply came). The session must not be transacted (the request would never leave).
   */
  async request(message: Message, timeout = 0): Promise<Message | null> {
    if (this.closed) throw new IllegalStateException('the requestor is closed');
    if (this.session.getTransacted()) throw new IllegalStateException('a requestor needs a non-transacted session');
    const reply = await this.open();
    message.setJMSReplyTo(reply.temporary);
    if (message.getJMSCorrelationID() === null) message.setJMSCorrelationID(`req-${++this.requestSeq}-${Date.now()}`);
    await reply.producer.send(message);
    const ids = [message.getJMSCorrelationID(), message.getJMSMessageID()];
    const deadline = timeout > 0 ? Date.now() + timeout : Infinity;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const answer = await reply.consumer.receive(remaining === Infinity ? 0 : remaining);
      if (answer === null) break;
      const correlation = answer.getJMSCorrelationID();
      // Like JMS's own requestor, the next reply is the answer; only replies known to belong to
      // an earlier, abandoned request are skipped (a replier may echo an id the broker assigned).
      if (correlation === null || !this.abandoned.has(correlation)) return answer;
    }
    for (const id of ids) if (id !== null) this.abandoned.add(id);
    // Bounded: a long-lived requestor with many timeouts must not grow without limit.
    while (this.abandoned.size > 1000) this.abandoned.delete(this.abandoned.values().next().value!);
    return null;
  }

  /** Closes the reply consumer and deletes the temporary destination (not the session). */
  async close(): Promise<void> {
    this.closed = true;
    const reply = this.reply;
    this.reply = undefined;
    if (reply === undefined) return;
    await reply.consumer.close();
    await reply.producer.close();
    await reply.temporary.delete();
  }

  private async open(): Promise<NonNullable<Requestor['reply']>> {
    if (this.reply !== undefined) return this.reply;
    const temporary =
      this.kind === 'queue' ? await this.session.createTemporaryQueue() : await this.session.createTemporaryTopic();
    const consumer = await this.session.createConsumer(temporary);
    const producer = this.session.createProducer(this.destination);
    this.reply = { temporary, consumer, producer };
    return this.reply;
  }
}

/** JMS `QueueRequestor`: `new QueueRequestor(session, queue)`, then `await requestor.request(msg)`. */
export class QueueRequestor extends Requestor {
  constructor(session: Session, queue: Queue) {
    super(session, queue, 'queue');
  }
}

/** JMS `TopicRequestor`: replies come back on a temporary topic. */
export class TopicRequestor extends Requestor {
  constructor(session: Session, topic: Topic) {
    super(session, topic, 'topic');
  }
}
