/**
 * The broker's configuration, whether it comes from an activemq.xml file or from code.
 *
 * Every field has a default (see {@link defaultBrokerConfig}); `new Broker(options)` takes a
 * {@link BrokerConfigInput}, a deep-partial of this type, and fills in the rest.
 */
export interface BrokerConfig {
  /** Name of the broker, reported in CONNECTED's `server` header and in logs. Default `localhost`. */
  brokerName: string;
  /** Directory for the journal store and the temporary (spool) store. Default `data` (relative to the working directory). */
  dataDirectory: string;
  /** When false, persistent messages are kept in memory only (ActiveMQ's `persistent="false"`). Default true. */
  persistent: boolean;
  /** Delayed and repeated delivery (`AMQ_SCHEDULED_DELAY`...). Default true (ActiveMQ defaults to false). */
  schedulerSupport: boolean;
  /** Accepted for compatibility; this broker publishes no advisory topics yet. */
  advisorySupport: boolean;
  /** Where the broker listens. Default: STOMP on 0.0.0.0:61613 and WebSocket on 0.0.0.0:61614. */
  transportConnectors: TransportConnectorConfig[];
  /** Memory, store and temp limits the broker enforces. */
  systemUsage: SystemUsageConfig;
  /** Per-destination policies; the first entry whose pattern matches a destination applies (most specific first). */
  destinationPolicies: PolicyEntry[];
  /** Default policy for destinations no entry matches. */
  defaultPolicy: PolicyEntry;
  /** Broker-side redelivery (what happens after NACK, or after a consumer leaves with messages unacknowledged). */
  redeliveryPolicy: RedeliveryPolicy;
  /** Where persistent messages are kept. */
  persistenceAdapter: PersistenceAdapterConfig;
  /** Users and passwords. Absent: any login is accepted, as in ActiveMQ without a security plugin. */
  authentication?: AuthenticationConfig;
  /** Who may read, write and administer which destinations. Absent: everyone may do everything. */
  authorization?: AuthorizationConfig;
  /** Seconds between status lines in the log; 0 disables them. Default 60. */
  statusLogInterval: number;
}

/** One listening endpoint. */
export interface TransportConnectorConfig {
  /** The connector's name (ActiveMQ's `name` attribute); defaults to the scheme. */
  name: string;
  /** The URI as configured, for messages and logs. */
  uri: string;
  /** STOMP over TCP, over TLS, over WebSocket, over secure WebSocket. */
  protocol: 'stomp' | 'stomp+ssl' | 'ws' | 'wss';
  /** Address to bind; `0.0.0.0` for all IPv4 interfaces. */
  host: string;
  /** Port to bind; 0 picks a free port (tests use this). */
  port: number;
  /** Refuse connections beyond this many open at once. Default 1000, as ActiveMQ. */
  maximumConnections: number;
  /** Largest frame accepted, in bytes. Default 100 MiB (ActiveMQ's `wireFormat.maxFrameSize`). */
  maxFrameSize: number;
  /** A client silent for more than this multiple of the agreed heart-beat interval is disconnected. Default 1.5. */
  hbGracePeriodMultiplier: number;
  /** Heart-beat `cx,cy` assumed for clients that send none (ActiveMQ's `transport.defaultHeartBeat`). Default `[0, 0]`. */
  defaultHeartBeat: [number, number];
  /** TLS only: refuse clients that present no certificate signed by a trusted CA. */
  needClientAuth: boolean;
  /** TLS only: PEM files for the server's key and certificate and the CAs trusted for client certificates. */
  tls?: TlsConfig;
}

/**
 * TLS material: PEM files, or a PKCS#12 file (activemq.xml keystores are mapped onto these;
 * see docs/configuration.md). Either `pfxFile`, or `keyFile` and `certFile`.
 */
export interface TlsConfig {
  keyFile?: string;
  certFile?: string;
  /** PKCS#12 (`.p12` / `.pfx`) holding the key and certificate. */
  pfxFile?: string;
  /** PEM bundle of CAs trusted for client certificates (`needClientAuth`). */
  caFile?: string;
  /** Passphrase of an encrypted key or of the PKCS#12 file. */
  passphrase?: string;
}

/** `<systemUsage>`: limits in bytes. */
export interface SystemUsageConfig {
  /** Bytes of message data held in memory across all destinations. Default 64 MiB. */
  memoryLimit: number;
  /** Bytes the persistent store may use on disk. Default 100 GiB. */
  storeLimit: number;
  /** Bytes the temporary (non-persistent spool) store may use on disk. Default 50 GiB. */
  tempLimit: number;
  /** At a limit, fail the SEND with an ERROR instead of blocking the producer. Default false. */
  sendFailIfNoSpace: boolean;
  /** If set, block a producer at most this many milliseconds, then fail the SEND. */
  sendFailIfNoSpaceAfterTimeout?: number;
}

/** Where a message goes when it can no longer be delivered. */
export type DeadLetterStrategy =
  | {
      kind: 'shared';
      /** Queue name, default `ActiveMQ.DLQ`. */
      queue: string;
      processExpired: boolean;
      processNonPersistent: boolean;
    }
  | {
      kind: 'individual';
      /** Prefix for queue messages' DLQs; the activemq.xml loader defaults it to ActiveMQ's `ActiveMQ.DLQ.Queue.` */
      queuePrefix: string;
      /** Prefix for topic messages' DLQs; the activemq.xml loader defaults it to ActiveMQ's `ActiveMQ.DLQ.Topic.` */
      topicPrefix: string;
      useQueueForQueueMessages: boolean;
      useQueueForTopicMessages: boolean;
      processExpired: boolean;
      processNonPersistent: boolean;
    }
  | { kind: 'discarding' };

/** `<policyEntry>`: settings for the destinations a pattern matches. */
export interface PolicyEntry {
  /** Queue name pattern (`>` and `*` wildcards, `.` separates). Exactly one of `queue` / `topic` is set, except in the default policy. */
  queue?: string;
  topic?: string;
  /** Bytes of messages this destination may hold in memory; 0 means only the broker-wide limit applies. */
  memoryLimit: number;
  /** Slow producers at a memory limit instead of failing or spooling. Default true. */
  producerFlowControl: boolean;
  /** Dispatch higher priority first. Default true (ActiveMQ defaults to false). */
  prioritizedMessages: boolean;
  /** Milliseconds between sweeps for expired waiting messages; 0 disables the sweep. Default 30000. */
  expireMessagesPeriod: number;
  /** Messages paged into memory for dispatch at a time. Default 200. */
  maxPageSize: number;
  deadLetterStrategy: DeadLetterStrategy;
  /** Topics: messages kept for a slow non-durable subscriber beyond its prefetch before the oldest are dropped; -1 keeps all. */
  pendingMessageLimit: number;
}

/** Broker-side redelivery policy (ActiveMQ's `<redeliveryPlugin>`). */
export interface RedeliveryPolicy {
  /** Deliveries after the first before the message goes to the dead-letter queue; -1 is unlimited. Default 6. */
  maximumRedeliveries: number;
  /** Milliseconds before the first redelivery. Default 0. */
  initialRedeliveryDelay: number;
  /**
   * Milliseconds between later redeliveries when not backing off (ActiveMQ's `redeliveryDelay`).
   * Absent: `initialRedeliveryDelay` is used for every redelivery.
   */
  redeliveryDelay?: number;
  /** Multiply the delay by `backOffMultiplier` at each redelivery. Default false. */
  useExponentialBackOff: boolean;
  backOffMultiplier: number;
  /** Upper bound for the delay; -1 is none. */
  maximumRedeliveryDelay: number;
}

/** `<persistenceAdapter>`. */
export type PersistenceAdapterConfig =
  | {
      kind: 'journal';
      /** Journal directory; default `<dataDirectory>/journal`. */
      directory?: string;
      /** Segment file size in bytes. Default 32 MiB (as KahaDB). */
      journalMaxFileLength: number;
    }
  | { kind: 'memory' };

/** `<simpleAuthenticationPlugin>`. */
export interface AuthenticationConfig {
  users: AuthenticationUser[];
  /** Let connections without a login in, as `anonymousUser` in `anonymousGroup`. Default false. */
  anonymousAccessAllowed: boolean;
  anonymousUser: string;
  anonymousGroup: string;
}

export interface AuthenticationUser {
  username: string;
  password: string;
  groups: string[];
}

/** `<authorizationPlugin>`. */
export interface AuthorizationConfig {
  entries: AuthorizationEntry[];
  /** Groups allowed on temporary destinations (`<tempDestinationAuthorizationEntry>`); absent: every authenticated user. */
  tempDestination?: { read: string[]; write: string[]; admin: string[] };
}

export interface AuthorizationEntry {
  /** Destination pattern; exactly one of `queue` / `topic`. */
  queue?: string;
  topic?: string;
  /** Groups allowed to consume (SUBSCRIBE, browse). */
  read: string[];
  /** Groups allowed to produce (SEND). */
  write: string[];
  /** Groups allowed to create the destination. */
  admin: string[];
}

/** A deep-partial {@link BrokerConfig}: what `new Broker(...)` and the loader's overrides accept. */
export type BrokerConfigInput = {
  [K in keyof BrokerConfig]?: K extends 'authentication'
    ? AuthenticationConfigInput
    : BrokerConfig[K] extends Array<infer E>
    ? Array<Partial<E>>
    : BrokerConfig[K] extends object
      ? Partial<BrokerConfig[K]>
      : BrokerConfig[K];
};

/** What {@link BrokerConfigInput} accepts for `authentication`: every field optional (no users, anonymous access off by default). */
export interface AuthenticationConfigInput {
  users?: Array<{ username: string; password?: string; groups?: string[] }>;
  anonymousAccessAllowed?: boolean;
  anonymousUser?: string;
  anonymousGroup?: string;
}
