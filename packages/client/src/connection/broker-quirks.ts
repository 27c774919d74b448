/**
 * What a broker does differently from the tsmq broker, known by the `server` header of its
 * CONNECTED frame (`ActiveMQ/5.17.2`, `RabbitMQ/3.10.8`). STOMP leaves these points open; the
 * client adapts so that the JMS behaviour stays the same. docs/wire-format.md lists them.
 * @packageDocumentation
 */

function isActiveMqClassic(server: string): boolean {
  return server.startsWith('ActiveMQ/');
}

function isRabbitMq(server: string): boolean {
  return server.startsWith('RabbitMQ/');
}

/**
 * Whether the broker answers ABORT by keeping the transaction's acknowledged messages in flight to
 * the consumer without sending them again, leaving their redelivery to the client.
 */
export function keepsAbortedDeliveriesInFlight(server: string): boolean {
  return isActiveMqClassic(server) || isRabbitMq(server);
}

/** Whether the broker ignores the SUBSCRIBE `selector` header (and would deliver every message). */
export function ignoresSelectors(server: string): boolean {
  return isRabbitMq(server);
}

/** Whether the broker ignores `browser:true` (a browser would consume the queue instead of looking at it). */
export function lacksQueueBrowsers(server: string): boolean {
  return isRabbitMq(server);
}

/** Whether the broker refuses a SEND that names its own `message-id`. */
export function refusesSendMessageId(server: string): boolean {
  return isRabbitMq(server);
}

/**
 * Extra SUBSCRIBE headers that make a durable subscription durable on this broker, on top of
 * ActiveMQ's `activemq.subscriptionName` (RabbitMQ keeps a queue for `durable:true`,
 * `auto-delete:false`, keyed by the subscription id and destination).
 */
export function durableSubscriptionHeaders(server: string): Readonly<Record<string, string>> | undefined {
  return isRabbitMq(server) ? RABBITMQ_DURABLE : undefined;
}

const RABBITMQ_DURABLE: Readonly<Record<string, string>> = { durable: 'true', 'auto-delete': 'false' };

/**
 * Whether `Session.unsubscribe(name)` cannot be done: RabbitMQ deletes a durable subscription only
 * through an UNSUBSCRIBE of an open one, and answers any other with an ERROR that ends the connection.
 */
export function cannotDeleteDurableSubscription(server: string): boolean {
  return isRabbitMq(server);
}

/**
 * The SUBSCRIBE header this broker reads the consumer's prefetch from, when it is not ActiveMQ's
 * `activemq.prefetchSize` (RabbitMQ: `prefetch-count`). Without it the broker would push the whole
 * queue to a slow consumer.
 */
export function prefetchHeader(server: string): string | undefined {
  return isRabbitMq(server) ? 'prefetch-count' : undefined;
}
