import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConnectionFactory, Session, TextMessage } from '@tsmq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './helpers/broker.js';

/** The README's client example, run as written (only the port differs), so the README stays true. */
describe('README', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('the JMS-style client example runs as written', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const body = block!
      .replace(/^import .*$/m, '')
      .replace('tcp://127.0.0.1:61613', `tcp://127.0.0.1:${broker.stompPort}`)
      .concat('\nreturn message;');
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
    const run = new AsyncFunction('ConnectionFactory', 'Session', body);
    const message = await run(ConnectionFactory, Session);
    expect(message).toBeInstanceOf(TextMessage);
    expect((message as TextMessage).getText()).toBe('hello');
  });
});
