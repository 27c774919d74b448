import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../src/core/destination-name.js';
import { createAuthorizer, StompProtocolError } from '../../src/index.js';

const dest = (header: string) => parseDestination(header)!;
const alice = { user: 'alice', groups: ['users'] };

function denial(fn: () => void): StompProtocolError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error as StompProtocolError;
  }
}

describe('createAuthorizer', () => {
  it('ActiveMQ DefaultAuthorizationMap: a destination that no entry of its kind matches is denied', () => {
    const authorizer = createAuthorizer({ entries: [{ queue: 'ORDERS.>', read: ['users'], write: ['users'], admin: ['users'] }] });
    expect(denial(() => authorizer.check(alice, dest('/queue/ORDERS.eu'), 'write'))).toBeUndefined();
    const error = denial(() => authorizer.check(alice, dest('/queue/INVOICES'), 'write'));
    expect(error?.code).toBe('ACCESS_DENIED');
    expect(error?.message).toBe('User alice is not authorized to write to: queue://INVOICES');
    expect(denial(() => authorizer.check(alice, dest('/topic/ORDERS.eu'), 'read'))?.message).toBe('User alice is not authorized to read from: topic://ORDERS.eu');
  });

  it('a "*" group lets every authenticated user in', () => {
    const authorizer = createAuthorizer({ entries: [{ topic: 'NEWS', read: ['*'], write: [], admin: [] }] });
    expect(denial(() => authorizer.check({ user: 'bob', groups: [] }, dest('/topic/NEWS'), 'read'))).toBeUndefined();
    expect(denial(() => authorizer.check({ user: 'bob', groups: [] }, dest('/topic/NEWS'), 'admin'))?.message).toBe('User bob is not authorized to create: topic://NEWS');
  });

  it('without an authorizationPlugin everything is allowed', () => {
    expect(denial(() => createAuthorizer(undefined).check(alice, dest('/queue/anything'), 'admin'))).toBeUndefined();
  });
});
