/**
 * Broker configuration: the typed {@link BrokerConfig} and its defaults.
 * @packageDocumentation
 */
export type * from './types.js';
export { defaultBrokerConfig, defaultConnector, defaultPolicyEntry, resolveBrokerConfig } from './defaults.js';
