/**
 * The public API shared by the Node and browser entry points.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './constants.js';
export * from './destination.js';
export * from './message/index.js';
export * from './url.js';
export { ConnectionFactory, ActiveMQConnectionFactory, type ConnectionFactoryOptions } from './connection/connection-factory.js';
export { Connection, type ConnectionMetaData, type ExceptionListener } from './connection/connection.js';
export { Session } from './connection/session.js';
export { MessageProducer, type CompletionListener } from './connection/message-producer.js';
export { MessageConsumer, type MessageListener } from './connection/message-consumer.js';
export { QueueBrowser } from './connection/queue-browser.js';
export { QueueRequestor, TopicRequestor } from './connection/requestor.js';
export { JMSContext, JMSProducer, JMSConsumer, type JMSBody } from './connection/jms-context.js';
export type { Credentials } from './connection/stomp-client.js';
export {
  setDefaultTransportConnector,
  type Transport,
  type TransportConnector,
  type TransportEvents,
  type TransportOptions,
  type TlsSettings,
} from './transport/transport.js';
