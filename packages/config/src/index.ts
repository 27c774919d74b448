/**
 * Broker configuration: the typed {@link BrokerConfig}, its defaults, and the activemq.xml loader.
 * @packageDocumentation
 */
export type * from './types.js';
export { defaultBrokerConfig, defaultConnector, defaultPolicyEntry, resolveBrokerConfig } from './defaults.js';
export { ConfigError, type ConfigErrorCode, type ConfigErrorDetails, type ConfigLocation, type ConfigWarning } from './errors.js';
export { loadBrokerConfigFile, parseBrokerConfigXml, type LoadedConfig, type LoadOptions } from './load.js';
export { parseSize } from './size.js';
export { parseTransportUri, type ParsedTransportUri } from './transport-uri.js';
