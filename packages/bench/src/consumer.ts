/**
 * One load-measuring consumer: subscribes, records each message's latency and identity, and
 * acknowledges as its ack mode requires.
 */
import type { StompHeaders } from '@tsmq/codec';
import type { ScannedFrame } from './frame-scanner.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { nowMicros } from './clock.js';
import { LatencyHistogram } from './histogram.js';
import { PRODUCER_HEADER, SENT_AT_HEADER, SEQUENCE_HEADER } from './send-template.js';
import type { StompSession } from './stomp-session.js';

/** The MESSAGE headers a consumer reads; the generator decodes no others. */
const CONSUMER_HEADERS = [PRODUCER_HEADER, SEQUENCE_HEADER, SENT_AT_HEADER, 'ack'];

/** STOMP 1.2 §SUBSCRIBE ack modes the benchmark uses. */
export type AckMode = 'auto' | 'client-individual';

/** How a consumer subscribes. */
export interface ConsumerOptions {
  destination: string;
  /** Index of this consumer within its tracker's stream. */
  index: number;
  ack: AckMode;
  /** Name of the broker's prefetch header (`activemq.prefetchSize` or `prefetch-count`). */
  prefetchHeader: string;
  prefetch: number;
}

/** Receives one subscription's messages; see the module comment. */
export class Consumer {
  /** MESSAGE frames received. */
  received = 0;
  /** Body bytes received. */
  bytes = 0;
  /** Generator clock (µs) of the first and latest reception. */
  firstAt = 0;
  lastAt = 0;
  /** Latency from send to reception. */
  readonly latency = new LatencyHistogram();
  /** Called after each reception (the run uses it to notice completion). */
  onProgress: () => void = () => {};

  constructor(
    private readonly session: StompSession,
    private readonly tracker: DeliveryTracker,
    private readonly options: ConsumerOptions,
  ) {
    session.leanMessages(CONSUMER_HEADERS);
    session.onMessage = (frame) => this.handle(frame);
  }

  /** Subscribes and waits until the broker confirms, so no message is sent before the subscription exists. */
  async subscribe(): Promise<void> {
    const headers: StompHeaders = {
      id: `bench-${this.options.index}`,
      destination: this.options.destination,
      ack: this.options.ack,
      [this.options.prefetchHeader]: String(this.options.prefetch),
    };
    await this.session.request('SUBSCRIBE', headers);
  }

  private handle(frame: ScannedFrame): void {
    const now = nowMicros();
    const headers = frame.headers;
    if (this.received === 0) this.firstAt = now;
    this.received++;
    this.lastAt = now;
    this.bytes += frame.bodyLength;
    const sentAt = Number(headers[SENT_AT_HEADER]);
    if (sentAt > 0) this.latency.record(now - sentAt);
    this.tracker.record(this.options.index, Number(headers[PRODUCER_HEADER] ?? -1), Number(headers[SEQUENCE_HEADER] ?? -1));
    if (this.options.ack === 'client-individual') {
      const ackId = headers['ack'];
      if (ackId !== undefined) this.session.write('ACK', { id: ackId });
    }
    this.onProgress();
  }
}
