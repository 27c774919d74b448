import { ConfigError } from './errors.js';
import { trySize, SIZE_EXPECTATION } from './size.js';
import type { TransportConnectorConfig } from './types.js';

/** What a STOMP or WebSocket connector URI sets; the rest comes from {@link defaultConnector}. */
export type ParsedTransportUri = Partial<TransportConnectorConfig> &
  Pick<TransportConnectorConfig, 'protocol' | 'uri' | 'host'>;

const PROTOCOL_BY_SCHEME: Readonly<Record<string, TransportConnectorConfig['protocol']>> = {
  stomp: 'stomp',
  'stomp+nio': 'stomp',
  'stomp+ssl': 'stomp+ssl',
  'stomp+nio+ssl': 'stomp+ssl',
  ws: 'ws',
  wss: 'wss',
};

/** Schemes ActiveMQ serves that this broker does not: such connectors are skipped with a warning. */
export const UNIMPLEMENTED_SCHEMES: ReadonlySet<string> = new Set([
  'tcp', 'nio', 'ssl', 'nio+ssl', 'openwire',
  'amqp', 'amqp+nio', 'amqp+ssl', 'amqp+nio+ssl', 'amqp+ws', 'amqp+wss',
  'mqtt', 'mqtt+nio', 'mqtt+ssl', 'mqtt+nio+ssl', 'mqtt+ws', 'mqtt+wss',
  'auto', 'auto+nio', 'auto+ssl', 'auto+nio+ssl',
  'vm', 'udp', 'http', 'https', 'multicast', 'discovery', 'failover', 'static',
]);

/** STOMP schemes this broker listens on. */
export const SUPPORTED_SCHEMES: readonly string[] = Object.keys(PROTOCOL_BY_SCHEME);

const URI_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i;

/** The scheme of a transport URI in lower case, or undefined when `uri` is not `scheme://...`. */
export function transportScheme(uri: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri.trim())?.[1]?.toLowerCase();
}

function bad(detail: string): ConfigError {
  return new ConfigError('CONFIG_BAD_VALUE', detail);
}

function decodeComponent(text: string, uri: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw bad(`bad %-escape in "${uri}"`);
  }
}

function parseBoolean(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw bad(`bad value for ${name}: "${value}"; expected true or false`);
}

function parseCount(name: string, value: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw bad(`bad value for ${name}: "${value}"; expected a whole number ${min} or more`);
  return n;
}

function parseHeartBeat(value: string): [number, number] {
  const parts = value.split(',');
  const numbers = parts.map((p) => (/^\s*\d+\s*$/.test(p) ? Number(p) : NaN));
  if (numbers.length !== 2 || numbers.some((n) => !Number.isSafeInteger(n))) {
    throw bad(`bad value for transport.defaultHeartBeat: "${value}"; expected two millisecond counts "cx,cy", e.g. "5000,0"`);
  }
  return [numbers[0]!, numbers[1]!];
}

/**
 * Parses an ActiveMQ transport connector URI for a STOMP or WebSocket listener, e.g.
 * `stomp+nio://0.0.0.0:61613?maximumConnections=1000&wireFormat.maxFrameSize=104857600`.
 *
 * Schemes: `stomp`, `stomp+nio` (plain STOMP), `stomp+ssl`, `stomp+nio+ssl` (STOMP over TLS), `ws`, `wss`.
 * Options read: `maximumConnections`, `wireFormat.maxFrameSize` (bytes or a size such as `10 mb`),
 * `transport.hbGracePeriodMultiplier`, `transport.defaultHeartBeat` (`cx,cy`), `needClientAuth`
 * (also as `transport.needClientAuth`). Any other option is passed to `onIgnoredOption` and has no effect.
 *
 * @throws {@link ConfigError} `CONFIG_BAD_VALUE` for a malformed URI, a scheme other than the above,
 *   or a bad option value. The message has no location; the file loader adds it.
 */
export function parseTransportUri(uri: string, onIgnoredOption?: (name: string, value: string) => void): ParsedTransportUri {
  const trimmed = uri.trim();
  const match = URI_PATTERN.exec(trimmed);
  if (!match) throw bad(`bad transport URI "${uri}"; expected scheme://host:port?options, e.g. stomp://0.0.0.0:61613`);
  const scheme = match[1]!.toLowerCase();
  const protocol = PROTOCOL_BY_SCHEME[scheme];
  if (!protocol) {
    throw bad(`unsupported transport scheme "${scheme}"; this broker listens on ${SUPPORTED_SCHEMES.join(', ')}`);
  }
  const rawHost = match[2]!;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost || '0.0.0.0';
  const result: ParsedTransportUri = { protocol, uri: trimmed, host };
  if (match[3] !== undefined && match[3] !== '') result.port = parseCount('port', match[3], 0);
  if (result.port !== undefined && result.port > 65535) throw bad(`bad port ${result.port} in "${uri}"; expected 0 to 65535`);
  const path = match[4]!;
  if (path !== '' && path !== '/') onIgnoredOption?.('path', path);
  for (const pair of (match[5] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), uri);
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1), uri).trim();
    switch (name) {
      case 'maximumConnections':
        result.maximumConnections = parseCount(name, value, 1);
        break;
      case 'wireFormat.maxFrameSize': {
        const bytes = trySize(value);
        if (bytes === undefined || bytes < 1) throw bad(`bad value for ${name}: "${value}"; ${SIZE_EXPECTATION}`);
        result.maxFrameSize = bytes;
        break;
      }
      case 'transport.hbGracePeriodMultiplier': {
        const n = value === '' ? NaN : Number(value);
        if (!Number.isFinite(n) || n < 1) throw bad(`bad value for ${name}: "${value}"; expected a number 1 or more, e.g. 1.5`);
        result.hbGracePeriodMultiplier = n;
        break;
      }
      case 'transport.defaultHeartBeat':
        result.defaultHeartBeat = parseHeartBeat(value);
        break;
      case 'needClientAuth':
      case 'transport.needClientAuth':
        result.needClientAuth = parseBoolean(name, value);
        break;
      default:
        onIgnoredOption?.(name, value);
    }
  }
  return result;
}
