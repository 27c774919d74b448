import type { BrokerOptions } from '@tsmq/broker';
import { startBroker, type TestBroker } from '../../packages/broker/test/helpers/broker.js';

export type { TestBroker };

/**
 * The broker package's in-process test broker, persistent as a broker started from the CLI is by
 * default (the broker package's own tests default to non-persistent).
 */
export function startTestBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  return startBroker({ persistent: true, ...options });
}
