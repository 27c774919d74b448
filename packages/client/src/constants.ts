/**
 * JMS constants with their Java names and values.
 * @packageDocumentation
 */

/** JMS `DeliveryMode`: how the broker keeps a message. Values as in Java. */
export const DeliveryMode = {
  /** Kept in memory only; lost if the broker stops. */
  NON_PERSISTENT: 1,
  /** Written to the broker's store before the send completes. The JMS default. */
  PERSISTENT: 2,
} as const;
/** A JMS delivery mode value. */
export type DeliveryModeValue = (typeof DeliveryMode)[keyof typeof DeliveryMode];

/** JMS `Message.DEFAULT_*` values. */
export const MessageDefaults = {
  DEFAULT_DELIVERY_MODE: DeliveryMode.PERSISTENT,
  DEFAULT_PRIORITY: 4,
  /** Milliseconds; 0 means the message never expires. */
  DEFAULT_TIME_TO_LIVE: 0,
  /** Milliseconds. */
  DEFAULT_DELIVERY_DELAY: 0,
} as const;

/** Session modes with their JMS values (`Session.AUTO_ACKNOWLEDGE` etc.). */
export const SessionMode = {
  SESSION_TRANSACTED: 0,
  AUTO_ACKNOWLEDGE: 1,
  CLIENT_ACKNOWLEDGE: 2,
  DUPS_OK_ACKNOWLEDGE: 3,
  /** ActiveMQ's extension: `acknowledge()` acknowledges only that message. */
  INDIVIDUAL_ACKNOWLEDGE: 4,
} as const;
/** A session mode value. */
export type SessionModeValue = (typeof SessionMode)[keyof typeof SessionMode];
