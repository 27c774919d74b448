/**
 * ActiveMQ's `authorizationPlugin` with a static `authorizationMap`: which groups may read, write
 * and administer which destinations.
 * @packageDocumentation
 */
import type { AuthorizationConfig, AuthorizationEntry } from '@tsmq/config';
import { type DestinationName, isQueueKind, matchesPattern } from '../core/destination-name.js';
import { StompProtocolError } from '../errors.js';
import type { Principal } from '../protocol/authenticator.js';

/** What a client wants to do with a destination: consume (SUBSCRIBE, browse), produce (SEND), or create it. */
export type DestinationOperation = 'read' | 'write' | 'admin';

/** A group name that stands for every authenticated user (ActiveMQ's `*` in ACLs). */
export const EVERYONE_GROUP = '*';

/**
 * Decides what a principal may do with a destination. Absent configuration: everything is
 * allowed, as in ActiveMQ without an `authorizationPlugin`.
 */
export interface Authorizer {
  /**
   * @throws StompProtocolError with code `ACCESS_DENIED` and ActiveMQ's wording, e.g.
   * "User alice is not authorized to write to: queue://orders".
   */
  check(principal: Principal, destination: DestinationName, operation: DestinationOperation): void;
}

/** Lets everyone do everything. */
export const allowEverything: Authorizer = { check: () => {} };

/**
 * The authorizer of `config`, with ActiveMQ's DefaultAuthorizationMap semantics:
 * - the groups allowed an operation are the union of the groups of every entry whose pattern
 *   (`>` and `*` wildcards) matches the destination: `queue=">" read="admins"` plus
 *   `queue="USERS.>" read="users"` lets both groups read `USERS.orders`;
 * - a destination that no entry of its kind (queue or topic) matches is denied to everyone;
 * - temporary destinations follow `tempDestination` when configured, and are otherwise open to
 *   every authenticated user (ActiveMQ without a `tempDestinationAuthorizationEntry`).
 */
export function createAuthorizer(config: AuthorizationConfig | undefined): Authorizer {
  if (!config) return allowEverything;
  const queueEntries = config.entries.filter((e) => e.queue !== undefined);
  const topicEntries = config.entries.filter((e) => e.topic !== undefined);
  const temp = config.tempDestination;
  // Destinations are few and checked on every SEND: the resolved ACLs are cached per destination.
  const cache = new Map<string, AclSet>();
  const aclsFor = (destination: DestinationName): AclSet | undefined => {
    if (destination.kind === 'temp-queue' || destination.kind === 'temp-topic') {
      return temp ? { read: new Set(temp.read), write: new Set(temp.write), admin: new Set(temp.admin) } : undefined;
    }
    const key = destination.full;
    let acls = cache.get(key);
    if (!acls) {
      const entries = isQueueKind(destination.kind) ? queueEntries : topicEntries;
      acls = unionOfMatching(entries, destination);
      cache.set(key, acls);
    }
    return acls;
  };
  return {
    check(principal, destination, operation) {
      const acls = aclsFor(destination);
      if (acls === undefined) return;
      const allowed = acls[operation];
      if (allowed.has(EVERYONE_GROUP)) return;
      for (const g of principal.groups) if (allowed.has(g)) return;
      throw accessDenied(principal.user, destination, operation);
    },
  };
}

interface AclSet {
  read: Set<string>;
  write: Set<string>;
  admin: Set<string>;
}

function unionOfMatching(entries: readonly AuthorizationEntry[], destination: DestinationName): AclSet {
  const acls: AclSet = { read: new Set(), write: new Set(), admin: new Set() };
  for (const e of entries) {
    const pattern = (e.queue ?? e.topic)!;
    if (!matchesPattern(pattern, destination.name)) continue;
    for (const g of e.read) acls.read.add(g);
    for (const g of e.write) acls.write.add(g);
    for (const g of e.admin) acls.admin.add(g);
  }
  return acls;
}

const VERBS: Record<DestinationOperation, string> = { read: 'read from', write: 'write to', admin: 'create' };

/** ActiveMQ's destination URL form, e.g. `queue://orders`, as its security messages print it. */
export function destinationUrl(destination: DestinationName): string {
  const scheme = destination.kind === 'temp-queue' ? 'temp-queue' : destination.kind === 'temp-topic' ? 'temp-topic' : destination.kind;
  return `${scheme}://${destination.name}`;
}

function accessDenied(user: string, destination: DestinationName, operation: DestinationOperation): StompProtocolError {
  const text = `User ${user} is not authorized to ${VERBS[operation]}: ${destinationUrl(destination)}`;
  return new StompProtocolError('ACCESS_DENIED', text, text);
}
