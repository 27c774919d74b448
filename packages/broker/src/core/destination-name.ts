/** The four kinds of STOMP destination this broker knows, by prefix. */
export type DestinationKind = 'queue' | 'topic' | 'temp-queue' | 'temp-topic';

/** A parsed destination header. */
export interface DestinationName {
  /** The header as sent, e.g. `/queue/orders`; the key destinations are known by. */
  readonly full: string;
  readonly kind: DestinationKind;
  /** The part after the prefix, e.g. `orders`. */
  readonly name: string;
}

const PREFIXES: ReadonlyArray<readonly [string, DestinationKind]> = [
  ['/queue/', 'queue'],
  ['/topic/', 'topic'],
  ['/temp-queue/', 'temp-queue'],
  ['/temp-topic/', 'temp-topic'],
];

/** Parses a destination header; null when it has no known prefix or an empty name. */
export function parseDestination(full: string): DestinationName | null {
  for (const [prefix, kind] of PREFIXES) {
    if (full.startsWith(prefix) && full.length > prefix.length) {
      return { full, kind, name: full.slice(prefix.length) };
    }
  }
  return null;
}

/** True for destinations whose messages each go to one consumer. */
export function isQueueKind(kind: DestinationKind): boolean {
  return kind === 'queue' || kind === 'temp-queue';
}

/**
 * ActiveMQ destination wildcards: segments separated by `.`, `*` matches one segment and `>`
 * matches all remaining ones.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  if (pattern === '>' || pattern === name) return true;
  const p = pattern.split('.');
  const n = name.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return true;
    if (i >= n.length) return false;
    if (p[i] !== '*' && p[i] !== n[i]) return false;
  }
  return p.length === n.length;
}

/** True when a destination name is an ActiveMQ wildcard pattern (an element `*` or `>`). */
export function isWildcard(name: string): boolean {
  if (!name.includes('*') && !name.includes('>')) return false;
  for (const element of name.split('.')) if (element === '*' || element === '>') return true;
  return false;
}
