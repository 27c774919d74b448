import { describe, expect, it } from 'vitest';
import { StompCodecError, SUPPORTED_VERSIONS, negotiateVersion, parseHeartBeat } from '@tsmq/codec';
import { thrown } from './helpers.js';

describe('negotiateVersion', () => {
  it('SUPPORTED_VERSIONS are 1.0, 1.1 and 1.2', () => {
    expect(SUPPORTED_VERSIONS).toEqual(['1.0', '1.1', '1.2']);
  });

  it('STOMP 1.2 §Protocol Negotiation: the highest version both sides support wins', () => {
    expect(negotiateVersion('1.0,1.1,1.2')).toBe('1.2');
    expect(negotiateVersion('1.2,1.0')).toBe('1.2');
    expect(negotiateVersion('1.1')).toBe('1.1');
    expect(negotiateVersion('1.0,1.1,1.2', ['1.0', '1.1'])).toBe('1.1');
  });

  it('STOMP 1.2 §Protocol Negotiation: a missing accept-version header means 1.0', () => {
    expect(negotiateVersion(undefined)).toBe('1.0');
    expect(negotiateVersion(undefined, ['1.1', '1.2'])).toBeNull();
  });

  it('STOMP 1.2 §Protocol Negotiation: no version in common gives null (the server sends ERROR)', () => {
    expect(negotiateVersion('2.0')).toBeNull();
    expect(negotiateVersion('1.2', ['1.0', '1.1'])).toBeNull();
    expect(negotiateVersion('')).toBeNull();
  });

  it('unknown entries are ignored and spaces around entries tolerated', () => {
    expect(negotiateVersion('2.0, 1.1 ,9')).toBe('1.1');
  });
});

describe('parseHeartBeat', () => {
  it('STOMP 1.2 §Heart-beating: "cx,cy" gives both values in milliseconds', () => {
    expect(parseHeartBeat('0,0')).toEqual([0, 0]);
    expect(parseHeartBeat('10000,5000')).toEqual([10000, 5000]);
  });

  it('STOMP 1.2 §Heart-beating: a missing header means no heart-beating, [0, 0]', () => {
    expect(parseHeartBeat(undefined)).toEqual([0, 0]);
    expect(parseHeartBeat('')).toEqual([0, 0]);
  });

  it.each(['1000', '1,2,3', '-1,0', '1.5,0', ' 1,1', '1, 1', 'a,b', ',', '1,'])(
    'STOMP 1.2 §Heart-beating: malformed %j is MALFORMED_HEADER',
    (value) => {
      const error = thrown(() => parseHeartBeat(value));
      expect(error).toBeInstanceOf(StompCodecError);
      expect(error.code).toBe('MALFORMED_HEADER');
      expect(error.message).toContain(JSON.stringify(value));
    },
  );
});
