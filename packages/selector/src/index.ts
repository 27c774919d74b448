/**
 * JMS message selectors (JMS 2.0 §3.8.1) for tsmq: parse once, evaluate per message. Pure
 * TypeScript with no Node-only API, so it also runs in browsers.
 * @packageDocumentation
 */
export { InvalidSelectorError, InvalidPropertyTypesError, InvalidPropertyValueError } from './errors.js';
export { parseSelector, type Selector } from './selector.js';
export { UntypedString, propertySourceOf, type PropertySource, type SelectorValue } from './values.js';
export {
  PROPERTY_TYPES_HEADER,
  JMS_HEADER_FIELDS,
  StompPropertySource,
  decodeTypedValue,
  encodePropertyTypes,
  isJmsPropertyType,
  parsePropertyTypes,
  tryDecodeTypedValue,
  type HeaderRecord,
  type JmsPropertyType,
} from './stomp-properties.js';
