/**
 * What the broker reports about itself: ActiveMQ's statistics destinations
 * (`ActiveMQ.Statistics.Broker`, `ActiveMQ.Statistics.Destination.<name>`) and the periodic
 * status line. Pure functions of a {@link BrokerStats} snapshot, so they cost nothing until asked.
 * @packageDocumentation
 */
import type { StompHeaders } from '@tsmq/codec';
import type { DestinationStats } from '../core/destination.js';
import { matchesPattern } from '../core/destination-name.js';

/** Bytes used against a limit. */
export interface UsageFigure {
  bytes: number;
  /** Bytes; 0 means no limit. */
  limit: number;
  /** `bytes` as a whole percentage of `limit` (0 without a limit), as ActiveMQ's `*PercentUsage`. */
  percent: number;
}

/** The three `<systemUsage>` figures. */
export interface SystemUsageStats {
  /** Message data held in memory (non-persistent messages, topic subscribers' pending messages). */
  memory: UsageFigure;
  /** The persistent store on disk. */
  store: UsageFigure;
  /**
   * The temporary store for non-persistent messages spooled to disk once memory is full
   * (`<dataDirectory>/tmp_storage`); always 0 on a broker without a journal, which has none.
   */
  temp: UsageFigure;
}

/** Counters of the journal store (see `JournalMessageStore.stats()`), when the broker uses it. */
export interface StoreCounters {
  fsyncs: number;
  records: number;
  ops: number;
}

/** A snapshot of the broker's state, for tests, metrics and status lines. */
export interface BrokerStats {
  connections: number;
  destinations: DestinationStats[];
  /** Bytes used by the in-memory store of non-persistent messages. */
  memoryStoreBytes: number;
  /** Bytes used by the persistent store. */
  persistentStoreBytes: number;
  /**
   * Bytes of message data held in memory: non-persistent messages and topic messages waiting for
   * slow subscribers. Producers are paused while it is at `systemUsage.memoryLimit`.
   */
  memoryBytes: number;
  /** Usage against the `<systemUsage>` limits. */
  usage: SystemUsageStats;
  /** Messages accepted by all destinations since the start. */
  enqueued: number;
  /** Messages consumed from all destinations since the start. */
  dequeued: number;
  /** The journal's counters; absent with another store. */
  store?: StoreCounters;
}

/** What the statistics replies say about the broker besides {@link BrokerStats}. */
export interface BrokerIdentity {
  brokerName: string;
  /** Connector URLs by protocol, e.g. `stomp` -> `stomp://0.0.0.0:61613`. */
  urls: ReadonlyArray<{ protocol: string; url: string }>;
}

/** Physical name prefix of ActiveMQ's statistics destinations. */
export const STATISTICS_PREFIX = 'ActiveMQ.Statistics.';
const BROKER_QUERY = 'ActiveMQ.Statistics.Broker';
const DESTINATION_QUERY = 'ActiveMQ.Statistics.Destination.';

/** Bytes against a limit. */
export function usageFigure(bytes: number, limit: number): UsageFigure {
  return { bytes, limit, percent: limit > 0 ? Math.floor((bytes * 100) / limit) : 0 };
}

/**
 * The replies to a SEND to `header` when it names a statistics destination (one header set per
 * reply message), else undefined:
 * - `/queue/ActiveMQ.Statistics.Broker`: one reply about the broker;
 * - `/queue/ActiveMQ.Statistics.Destination.<pattern>`: one reply per queue or topic whose name
 *   matches `<pattern>` (`>` and `*` wildcards); none when nothing matches, as in ActiveMQ.
 * The same names under `/topic/` work too. `stats` and `identity` are only called for those.
 */
export function statisticsReplies(header: string, stats: () => BrokerStats, identity: () => BrokerIdentity): StompHeaders[] | undefined {
  // Called for every SEND: decide without allocating for ordinary destinations.
  if (!header.startsWith(STATISTICS_PREFIX, 7) || !(header.startsWith('/queue/') || header.startsWith('/topic/'))) return undefined;
  const name = header.slice(7);
  if (name === BROKER_QUERY) return [brokerStatisticsHeaders(stats(), identity())];
  if (name.startsWith(DESTINATION_QUERY) && name.length > DESTINATION_QUERY.length) {
    const pattern = name.slice(DESTINATION_QUERY.length);
    const replies: StompHeaders[] = [];
    for (const d of stats().destinations) {
      if (d.kind !== 'queue' && d.kind !== 'topic') continue;
      const plain = plainName(d.destination);
      if (plain !== undefined && matchesPattern(pattern, plain)) replies.push(destinationStatisticsHeaders(d, plain));
    }
    return replies;
  }
  return undefined;
}

/** Header names follow the keys of ActiveMQ's StatisticsBrokerPlugin map messages. */
export function brokerStatisticsHeaders(s: BrokerStats, identity: BrokerIdentity): StompHeaders {
  let size = 0;
  let inflight = 0;
  let consumers = 0;
  for (const d of s.destinations) {
    size += d.depth;
    inflight += d.inflight;
    consumers += d.consumers;
  }
  const h: StompHeaders = {
    brokerName: identity.brokerName,
    size: String(size),
    enqueueCount: String(s.enqueued),
    dequeueCount: String(s.dequeued),
    inflightCount: String(inflight),
    consumerCount: String(consumers),
    currentConnectionsCount: String(s.connections),
    destinationCount: String(s.destinations.length),
    ...usageHeaders(s.usage),
  };
  if (s.store) {
    h.storeFsyncs = String(s.store.fsyncs);
    h.storeRecords = String(s.store.records);
    h.storeOps = String(s.store.ops);
  }
  for (const { protocol, url } of identity.urls) {
    const key = `${protocol.replace('+', '')}URL`;
    if (h[key] === undefined) h[key] = url;
  }
  return h;
}

/** One destination's reply: ActiveMQ's destination statistics keys. */
export function destinationStatisticsHeaders(d: DestinationStats, plain: string): StompHeaders {
  return {
    destinationName: plain,
    destinationType: d.kind,
    size: String(d.depth),
    enqueueCount: String(d.enqueued),
    dequeueCount: String(d.dequeued),
    inflightCount: String(d.inflight),
    consumerCount: String(d.consumers),
  };
}

function usageHeaders(u: SystemUsageStats): StompHeaders {
  return {
    memoryUsage: String(u.memory.bytes),
    memoryLimit: String(u.memory.limit),
    memoryPercentUsage: String(u.memory.percent),
    storeUsage: String(u.store.bytes),
    storeLimit: String(u.store.limit),
    storePercentUsage: String(u.store.percent),
    tempUsage: String(u.temp.bytes),
    tempLimit: String(u.temp.limit),
    tempPercentUsage: String(u.temp.percent),
  };
}

function plainName(full: string): string | undefined {
  if (full.startsWith('/queue/') || full.startsWith('/topic/')) return full.slice(7);
  return undefined;
}

const MiB = 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** The periodic status line: usage against the limits, connections, destinations, waiting messages. */
export function formatStatusLine(s: BrokerStats): string {
  let depth = 0;
  for (const d of s.destinations) depth += d.depth;
  const u = s.usage;
  return (
    `status: memory ${mib(u.memory.bytes)} (${u.memory.percent}%), store ${mib(u.store.bytes)} (${u.store.percent}%), ` +
    `temp ${mib(u.temp.bytes)} (${u.temp.percent}%), ${s.connections} connections, ` +
    `${s.destinations.length} destinations, ${depth} messages waiting`
  );
}
