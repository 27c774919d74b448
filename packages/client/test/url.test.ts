import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILOVER_OPTIONS, InvalidBrokerUrlException, parseBrokerUrl, reconnectDelay } from '../src/url.js';

describe('broker URLs (ActiveMQ syntax)', () => {
  it.each([
    ['tcp://localhost:61613', 'tcp', 'localhost', 61613],
    ['stomp://10.0.0.1:1234', 'tcp', '10.0.0.1', 1234],
    ['ssl://broker.example:61617', 'ssl', 'broker.example', 61617],
    ['stomp+ssl://broker.example', 'ssl', 'broker.example', 61612],
    ['tcp://[::1]:5000', 'tcp', '::1', 5000],
    ['stomp://broker', 'tcp', 'broker', 61613],
  ])('ActiveMQ transport URI %s -> %s %s:%i', (url, scheme, host, port) => {
    const { endpoints, failover } = parseBrokerUrl(url);
    expect(failover).toBeNull();
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]).toMatchObject({ scheme, host, port });
  });
  it('ActiveMQ transport URI: ws and wss keep their path and query', () => {
    const [ws] = parseBrokerUrl('ws://h:8080/stomp?x=1').endpoints;
    expect(ws).toMatchObject({ scheme: 'ws', host: 'h', port: 8080, path: '/stomp', options: { x: '1' } });
    expect(parseBrokerUrl('wss://h:443').endpoints[0]).toMatchObject({ scheme: 'wss', port: 443, path: '/' });
  });
  it('ActiveMQ failover: URI list in parentheses with options', () => {
    const p = parseBrokerUrl(
      'failover:(tcp://a:1,ws://b:2/ws)?initialReconnectDelay=100&maxReconnectAttempts=5&randomize=false&useExponentialBackOff=false',
    );
    expect(p.endpoints.map((e) => `${e.scheme}:${e.host}:${e.port}`)).toEqual(['tcp:a:1', 'ws:b:2']);
    expect(p.failover).toEqual({
      ...DEFAULT_FAILOVER_OPTIONS,
      initialReconnectDelay: 100,
      maxReconnectAttempts: 5,
      randomize: false,
      useExponentialBackOff: false,
    });
  });
  it('ActiveMQ failover: defaults match ActiveMQ (10 ms, x2, 30 s cap, retry forever, randomize)', () => {
    const p = parseBrokerUrl('failover:tcp://a:1,tcp://b:2');
    expect(p.endpoints).toHaveLength(2);
    expect(p.failover).toEqual({
      initialReconnectDelay: 10,
      maxReconnectDelay: 30000,
      useExponentialBackOff: true,
      backOffMultiplier: 2,
      maxReconnectAttempts: -1,
      startupMaxReconnectAttempts: -1,
      randomize: true,
      timeout: -1,
    });
  });
  it('ActiveMQ failover: the delay doubles per attempt up to maxReconnectDelay', () => {
    const o = { ...DEFAULT_FAILOVER_OPTIONS, initialReconnectDelay: 100, maxReconnectDelay: 500 };
    expect([0, 1, 2, 3].map((a) => reconnectDelay(o, a))).toEqual([100, 200, 400, 500]);
    expect(reconnectDelay({ ...o, useExponentialBackOff: false }, 3)).toBe(100);
  });
  it.each([
    ['localhost:61613'],
    ['http://h:1'],
    ['failover:()'],
    ['failover:(tcp://a:1'],
    ['failover:(tcp://a:1)?maxReconnectAttempts=lots'],
    ['failover:(tcp://a:1)?randomize=yes'],
  ])('an invalid URL %s is refused with INVALID_URL', (url) => {
    expect(() => parseBrokerUrl(url)).toThrow(InvalidBrokerUrlException);
    try {
      parseBrokerUrl(url);
    } catch (e) {
      expect((e as InvalidBrokerUrlException).code).toBe('INVALID_URL');
    }
  });
});
