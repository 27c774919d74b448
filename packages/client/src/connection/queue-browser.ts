import type { StompFrame, StompHeaders } from '@tsmq/codec';
import type { Queue, TemporaryQueue } from '../destination.js';
import { IllegalStateException, JMSException } from '../errors.js';
import type { Message } from '../message/message.js';
import { SUBSCRIBE_TRANSFORMATION, decodeMessage } from '../wire/message-codec.js';
import { lacksQueueBrowsers } from './broker-quirks.js';
import type { Session } from './session.js';

/**
 * JMS `QueueBrowser`: looks at the messages waiting in a queue without consuming them. Each
 * `getEnumeration()` takes a fresh snapshot (STOMP SUBSCRIBE with `browser:true`, which the broker
 * ends with a MESSAGE carrying `browser:end`, as ActiveMQ does).
 */
export class QueueBrowser {
  private closed = false;
  /** Enumerations in progress: subscription id and how to wake one waiting for frames. */
  private readonly active = new Map<string, () => void>();

  /** @internal */
  constructor(
    private readonly session: Session,
    private readonly queue: Queue | TemporaryQueue,
    private readonly selector: string | null,
  ) {}

  getQueue(): Queue | TemporaryQueue {
    return this.queue;
  }
  getMessageSelector(): string | null {
    return this.selector;
  }

  /** The queue's messages at this moment, as an async iterator: `for await (const m of browser.getEnumeration())`. */
  async *getEnumeration(): AsyncGenerator<Message, void, undefined> {
    this.checkOpen();
    const connection = this.session.connection;
    await connection.ensureConnected();
    const server = connection.client().serverName;
    if (lacksQueueBrowsers(server)) {
      // Such a broker would treat the browser as a consumer and take the messages off the queue.
      throw new JMSException(`queue browsers are not supported by ${server}`, { code: 'NOT_SUPPORTED' });
    }
    const id = connection.nextId('browse');
    const frames: StompFrame[] = [];
    let ended = false;
    let failure: JMSException | undefined;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const headers: StompHeaders = {
      destination: this.queue.stompName,
      browser: 'true',
      ack: 'auto',
      transformation: SUBSCRIBE_TRANSFORMATION,
    };
    if (this.selector !== null) headers['selector'] = this.selector;
    this.active.set(id, notify);
    await connection.registerBrowser(id, headers, {
      deliver: (frame) => {
        if (frame.headers['browser'] === 'end') ended = true;
        else frames.push(frame);
        notify();
      },
      abort: (error) => {
        failure = error;
        notify();
      },
    });
    try {
      let next = 0;
      for (;;) {
        if (next < frames.length) {
          const frame = frames[next]!;
          frames[next++] = undefined as unknown as StompFrame;
          yield decodeMessage(frame);
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended || this.closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      this.active.delete(id);
      await connection.unregisterBrowser(id);
    }
  }

  /** Ends the browser; enumerations in progress stop. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = this.session.connection;
    const active = [...this.active];
    for (const [, wake] of active) wake();
    await Promise.all(active.map(([id]) => connection.unregisterBrowser(id)));
  }

  private checkOpen(): void {
    if (this.closed) throw new IllegalStateException('the browser is closed');
    this.session.checkOpen();
  }
}
