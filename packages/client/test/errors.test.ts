import { describe, expect, it } from 'vitest';
import {
  IllegalStateException,
  InvalidClientIDException,
  InvalidDestinationException,
  InvalidSelectorException,
  JMSException,
  JMSSecurityException,
  MessageEOFException,
  ResourceAllocationException,
  TransactionRolledBackException,
} from '../src/index.js';
import { exceptionFromBrokerError } from '../src/errors.js';

describe('JMS exceptions', () => {
  it.each([
    ['INVALID_SELECTOR', InvalidSelectorException],
    ['INVALID_CLIENT_ID', InvalidClientIDException],
    ['ACCESS_DENIED', JMSSecurityException],
    ['AUTHENTICATION_FAILED', JMSSecurityException],
    ['RESOURCE_LIMIT', ResourceAllocationException],
    ['STORE_FULL', ResourceAllocationException],
    ['FRAME_TOO_LARGE', ResourceAllocationException],
    ['UNKNOWN_TRANSACTION', TransactionRolledBackException],
    ['INVALID_DESTINATION', InvalidDestinationException],
    ['DURABLE_SUBSCRIPTION_IN_USE', IllegalStateException],
  ] as const)('JMS 2.0 §10.3: broker ERROR code %s becomes %s, keeping code and message', (code, Cls) => {
    const e = exceptionFromBrokerError({ message: 'from the broker', code, detail: 'longer' });
    expect(e).toBeInstanceOf(Cls);
    expect(e).toBeInstanceOf(JMSException);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(code);
    expect(e.getErrorCode()).toBe(code);
    expect(e.message).toBe('from the broker');
    expect(e.broker).toEqual({ message: 'from the broker', code, detail: 'longer' });
    expect(e.name).toBe(Cls.name);
  });
  it('JMS 2.0 §10.3: an unknown broker code is a plain JMSException with that code', () => {
    const e = exceptionFromBrokerError({ message: 'odd', code: 'SOMETHING_NEW' });
    expect(e.constructor).toBe(JMSException);
    expect(e.code).toBe('SOMETHING_NEW');
  });
  it('JMS 2.0 §10.3: client-side exceptions have stable default codes and keep the linked exception', () => {
    const cause = new Error('socket');
    const e = new IllegalStateException('closed', { cause });
    expect(e.code).toBe('ILLEGAL_STATE');
    expect(e.errorCode).toBe('ILLEGAL_STATE');
    expect(e.getLinkedException()).toBe(cause);
    expect(e.broker).toBeUndefined();
    expect(new MessageEOFException('end').code).toBe('MESSAGE_EOF');
    expect(new JMSException('x').code).toBe('JMS_ERROR');
  });
});
