/**
 * Broker URLs in ActiveMQ's syntax: `tcp://host:port`, `stomp://`, `ssl://`, `stomp+ssl://`,
 * `ws://`, `wss://`, and `failover:(uri1,uri2)?option=value` with ActiveMQ's failover options.
 * @packageDocumentation
 */
import { JMSException } from './errors.js';

/** How an endpoint is reached. */
export type EndpointScheme = 'tcp' | 'ssl' | 'ws' | 'wss';

/** One broker address. */
export interface BrokerEndpoint {
  scheme: EndpointScheme;
  host: string;
  port: number;
  /** For WebSocket endpoints, the path (default `/`). */
  path: string;
  /** The endpoint's own query options, e.g. `?verifyHostName=false`. */
  options: Readonly<Record<string, string>>;
  /** The address as written, for messages and logs. */
  url: string;
}

/** ActiveMQ failover transport options, with ActiveMQ's defaults. */
export interface FailoverOptions {
  /** Milliseconds before the first reconnect attempt. Default 10. */
  initialReconnectDelay: number;
  /** Upper bound of the delay between attempts. Default 30000. */
  maxReconnectDelay: number;
  /** Multiply the delay by {@link backOffMultiplier} after each failed round. Default true. */
  useExponentialBackOff: boolean;
  /** Default 2. */
  backOffMultiplier: number;
  /** Attempts after a connection was lost before giving up; -1 (default) retries forever, 0 never reconnects. */
  maxReconnectAttempts: number;
  /** Attempts for the very first connection; -1 (default) uses {@link maxReconnectAttempts}. */
  startupMaxReconnectAttempts: number;
  /** Try the endpoints in random order. Default true. */
  randomize: boolean;
  /** Milliseconds a send waits for a reconnection before failing; -1 (default) waits forever. */
  timeout: number;
}

/** A parsed connection URL: one endpoint, or several behind failover. */
export interface ParsedBrokerUrl {
  endpoints: BrokerEndpoint[];
  /** Null unless the URL used `failover:`. */
  failover: FailoverOptions | null;
}

/** The URL could not be understood. */
export class InvalidBrokerUrlException extends JMSException {
  static override defaultCode = 'INVALID_URL';
}

/** ActiveMQ's failover defaults. */
export const DEFAULT_FAILOVER_OPTIONS: Readonly<FailoverOptions> = Object.freeze({
  initialReconnectDelay: 10,
  maxReconnectDelay: 30_000,
  useExponentialBackOff: true,
  backOffMultiplier: 2,
  maxReconnectAttempts: -1,
  startupMaxReconnectAttempts: -1,
  randomize: true,
  timeout: -1,
});

const SCHEMES: Readonly<Record<string, EndpointScheme>> = {
  tcp: 'tcp',
  stomp: 'tcp',
  nio: 'tcp',
  'stomp+nio': 'tcp',
  ssl: 'ssl',
  'stomp+ssl': 'ssl',
  'stomp+nio+ssl': 'ssl',
  ws: 'ws',
  wss: 'wss',
};

/** ActiveMQ's default STOMP ports by transport. */
const DEFAULT_PORTS: Readonly<Record<EndpointScheme, number>> = { tcp: 61613, ssl: 61612, ws: 61614, wss: 61614 };

/** Parses a broker URL; throws {@link InvalidBrokerUrlException} with the reason. */
export function parseBrokerUrl(url: string): ParsedBrokerUrl {
  const text = url.trim();
  if (text.toLowerCase().startsWith('failover:')) return parseFailover(text);
  return { endpoints: [parseEndpoint(text)], failover: null };
}

/** Parses one endpoint URL (no failover). */
export function parseEndpoint(url: string): BrokerEndpoint {
  const colon = url.indexOf('://');
  if (colon <= 0) throw new InvalidBrokerUrlException(`"${url}" is not a broker URL (expected e.g. tcp://host:61613)`);
  const scheme = SCHEMES[url.slice(0, colon).toLowerCase()];
  if (scheme === undefined) {
    throw new InvalidBrokerUrlException(
      `unsupported scheme in "${url}" (supported: ${Object.keys(SCHEMES).join(', ')})`,
    );
  }
  let parsed: URL;
  try {
    // A non-special scheme keeps an explicit default port (wss://h:443) that ws:/wss: URLs would drop.
    parsed = new URL(`broker${url.slice(colon)}`);
  } catch (e) {
    throw new InvalidBrokerUrlException(`"${url}" is not a valid URL`, { cause: e });
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new InvalidBrokerUrlException(`"${url}" has no host`);
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : Number(parsed.port);
  const options: Record<string, string> = {};
  for (const [k, v] of parsed.searchParams) options[k] = v;
  const path = scheme === 'ws' || scheme === 'wss' ? (parsed.pathname === '' ? '/' : parsed.pathname) : '';
  return { scheme, host, port, path, options, url };
}

function parseFailover(url: string): ParsedBrokerUrl {
  let rest = url.slice('failover:'.length);
  let list: string;
  let query = '';
  if (rest.startsWith('(')) {
    const close = rest.lastIndexOf(')');
    if (close < 0) throw new InvalidBrokerUrlException(`"${url}": missing ")" after the failover URI list`);
    list = rest.slice(1, close);
    rest = rest.slice(close + 1);
    if (rest.startsWith('?')) query = rest.slice(1);
    else if (rest !== '') throw new InvalidBrokerUrlException(`"${url}": unexpected text after ")"`);
  } else {
    // ActiveMQ also accepts failover:uri1,uri2 without parentheses; the options then belong to the last URI.
    list = rest;
  }
  const endpoints = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(parseEndpoint);
  if (endpoints.length === 0) throw new InvalidBrokerUrlException(`"${url}" lists no broker URI`);
  return { endpoints, failover: parseFailoverOptions(query, url) };
}

function parseFailoverOptions(query: string, url: string): FailoverOptions {
  const options: FailoverOptions = { ...DEFAULT_FAILOVER_OPTIONS };
  for (const [key, value] of new URLSearchParams(query)) {
    switch (key) {
      case 'initialReconnectDelay':
      case 'maxReconnectDelay':
      case 'backOffMultiplier':
      case 'maxReconnectAttempts':
      case 'startupMaxReconnectAttempts':
      case 'timeout': {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n)) {
          throw new InvalidBrokerUrlException(`"${url}": failover option ${key} must be a number, not "${value}"`);
        }
        options[key] = n;
        break;
      }
      case 'useExponentialBackOff':
      case 'randomize':
        if (value !== 'true' && value !== 'false') {
          throw new InvalidBrokerUrlException(`"${url}": failover option ${key} must be true or false, not "${value}"`);
        }
        options[key] = value === 'true';
        break;
      default:
        // ActiveMQ has many more failover options (priorityBackup, backup, ...); ignoring them keeps
        // URLs copied from ActiveMQ configurations working.
        break;
    }
  }
  return options;
}

/**
 * The delay before reconnect attempt number `attempt` (0-based), following ActiveMQ: the initial
 * delay, multiplied by `backOffMultiplier` per attempt when exponential back-off is on, capped at
 * `maxReconnectDelay`.
 */
export function reconnectDelay(options: FailoverOptions, attempt: number): number {
  if (!options.useExponentialBackOff) return Math.min(options.initialReconnectDelay, options.maxReconnectDelay);
  return Math.min(options.initialReconnectDelay * options.backOffMultiplier ** attempt, options.maxReconnectDelay);
}
