export { Message, type MessageKind } from './message.js';
export { TextMessage } from './text-message.js';
export { BytesMessage } from './bytes-message.js';
export { MapMessage } from './map-message.js';
export { StreamMessage } from './stream-message.js';
export { ObjectMessage } from './object-message.js';
export type { JavaType, TypedValue, JmsObject } from './values.js';
