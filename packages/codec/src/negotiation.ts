/**
 * Connection-level header handling: version negotiation and heart-beat settings.
 * @packageDocumentation
 */
import { StompCodecError } from './errors.js';
import type { StompVersion } from './frame.js';

/** Versions this codec speaks, lowest first. */
export const SUPPORTED_VERSIONS: readonly StompVersion[] = Object.freeze(['1.0', '1.1', '1.2'] as const);

/**
 * STOMP 1.2 §Protocol Negotiation: highest common version of accept-version (comma list) and
 * the supported ones; absent header = '1.0'; null when none in common.
 *
 * Entries are trimmed of surrounding spaces and unknown entries (e.g. `2.0`) are ignored.
 */
export function negotiateVersion(
  acceptVersion: string | undefined,
  supported: readonly StompVersion[] = SUPPORTED_VERSIONS,
): StompVersion | null {
  if (acceptVersion === undefined) return supported.includes('1.0') ? '1.0' : null;
  const offered = new Set(acceptVersion.split(',').map((entry) => entry.trim()));
  let best: StompVersion | null = null;
  for (const version of supported) {
    if (offered.has(version) && (best === null || rank(version) > rank(best))) best = version;
  }
  return best;
}

function rank(version: StompVersion): number {
  return SUPPORTED_VERSIONS.indexOf(version);
}

const HEART_BEAT = /^(\d{1,15}),(\d{1,15})$/;

/**
 * Parses a `heart-beat` header (STOMP 1.2 §Heart-beating): `cx,cy`, two non-negative decimal
 * integers in milliseconds; the sender's first value is how often it can send, the second how
 * often it wants to receive. A missing or empty header means `[0, 0]` (no heart-beating).
 *
 * Anything else (spaces, signs, one value, three values) is rejected, as ActiveMQ does,
 * rather than silently disabling heart-beats the peer asked for.
 * @throws StompCodecError `MALFORMED_HEADER`.
 */
export function parseHeartBeat(value: string | undefined): [number, number] {
  if (value === undefined || value === '') return [0, 0];
  const match = HEART_BEAT.exec(value);
  if (match === null) {
    throw new StompCodecError(
      'MALFORMED_HEADER',
      `heart-beat header ${JSON.stringify(value.slice(0, 40))} is not two non-negative integers "cx,cy"`,
    );
  }
  return [Number(match[1]), Number(match[2])];
}
