import type {
  BrokerConfig,
  BrokerConfigInput,
  PolicyEntry,
  TransportConnectorConfig,
} from './types.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Defaults for a connector; `protocol`, `host` and `port` always come from its URI. */
export function defaultConnector(
  partial: Partial<TransportConnectorConfig> & Pick<TransportConnectorConfig, 'protocol'>,
): TransportConnectorConfig {
  const port = partial.port ?? (partial.protocol === 'ws' || partial.protocol === 'wss' ? 61614 : 61613);
  const host = partial.host ?? '0.0.0.0';
  return {
    name: partial.name ?? partial.protocol,
    uri: partial.uri ?? `${partial.protocol}://${host}:${port}`,
    protocol: partial.protocol,
    host,
    port,
    maximumConnections: partial.maximumConnections ?? 1000,
    maxFrameSize: partial.maxFrameSize ?? 100 * MiB,
    hbGracePeriodMultiplier: partial.hbGracePeriodMultiplier ?? 1.5,
    defaultHeartBeat: partial.defaultHeartBeat ?? [0, 0],
    needClientAuth: partial.needClientAuth ?? false,
    ...(partial.tls ? { tls: partial.tls } : {}),
  };
}

/** The policy applied to destinations that no `<policyEntry>` matches. */
export function defaultPolicyEntry(partial: Partial<PolicyEntry> = {}): PolicyEntry {
  return {
    ...partial,
    memoryLimit: partial.memoryLimit ?? 0,
    producerFlowControl: partial.producerFlowControl ?? true,
    prioritizedMessages: partial.prioritizedMessages ?? true,
    expireMessagesPeriod: partial.expireMessagesPeriod ?? 30_000,
    maxPageSize: partial.maxPageSize ?? 200,
    deadLetterStrategy: partial.deadLetterStrategy ?? {
      kind: 'shared',
      queue: 'ActiveMQ.DLQ',
      processExpired: true,
      processNonPersistent: false,
    },
    pendingMessageLimit: partial.pendingMessageLimit ?? -1,
  };
}

/** The broker's embedded defaults: what `npm start` runs with when no file is given. */
export function defaultBrokerConfig(): BrokerConfig {
  return {
    brokerName: 'localhost',
    dataDirectory: 'data',
    persistent: true,
    schedulerSupport: true,
    advisorySupport: false,
    transportConnectors: [
      defaultConnector({ protocol: 'stomp', name: 'stomp' }),
      defaultConnector({ protocol: 'ws', name: 'ws' }),
    ],
    systemUsage: {
      memoryLimit: 64 * MiB,
      storeLimit: 100 * GiB,
      tempLimit: 50 * GiB,
      sendFailIfNoSpace: false,
    },
    destinationPolicies: [],
    defaultPolicy: defaultPolicyEntry(),
    redeliveryPolicy: {
      maximumRedeliveries: 6,
      initialRedeliveryDelay: 0,
      useExponentialBackOff: false,
      backOffMultiplier: 5,
      maximumRedeliveryDelay: -1,
    },
    persistenceAdapter: { kind: 'journal', journalMaxFileLength: 32 * MiB },
    statusLogInterval: 60,
  };
}

/** Fills every field `input` leaves out with its default. */
export function resolveBrokerConfig(input: BrokerConfigInput = {}): BrokerConfig {
  const d = defaultBrokerConfig();
  return {
    brokerName: input.brokerName ?? d.brokerName,
    dataDirectory: input.dataDirectory ?? d.dataDirectory,
    persistent: input.persistent ?? d.persistent,
    schedulerSupport: input.schedulerSupport ?? d.schedulerSupport,
    advisorySupport: input.advisorySupport ?? d.advisorySupport,
    transportConnectors: input.transportConnectors
      ? input.transportConnectors.map((c) => defaultConnector({ protocol: 'stomp', ...c }))
      : d.transportConnectors,
    systemUsage: { ...d.systemUsage, ...input.systemUsage },
    destinationPolicies: (input.destinationPolicies ?? []).map((p) => defaultPolicyEntry(p)),
    defaultPolicy: defaultPolicyEntry(input.defaultPolicy ?? {}),
    redeliveryPolicy: { ...d.redeliveryPolicy, ...input.redeliveryPolicy },
    persistenceAdapter: (input.persistenceAdapter?.kind === 'memory'
      ? { kind: 'memory' }
      : { ...d.persistenceAdapter, ...input.persistenceAdapter }) as BrokerConfig['persistenceAdapter'],
    ...(input.authentication
      ? {
          authentication: {
            users: (input.authentication.users ?? []).map((u) => ({ username: u.username, password: u.password ?? '', groups: [...(u.groups ?? [])] })),
            anonymousAccessAllowed: input.authentication.anonymousAccessAllowed ?? false,
            anonymousUser: input.authentication.anonymousUser ?? 'anonymous',
            anonymousGroup: input.authentication.anonymousGroup ?? 'anonymous',
          },
        }
      : {}),
    ...(input.authorization
      ? {
          authorization: {
            entries: (input.authorization.entries ?? []).map((e) => ({ ...e })),
            ...(input.authorization.tempDestination ? { tempDestination: input.authorization.tempDestination } : {}),
          },
        }
      : {}),
    statusLogInterval: input.statusLogInterval ?? d.statusLogInterval,
  };
}
