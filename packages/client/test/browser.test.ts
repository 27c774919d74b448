import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startBroker, type TestBroker } from './support/broker.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const source = (pkg: string, file = 'index.ts') => fileURLToPath(new URL(`../../${pkg}/src/${file}`, import.meta.url));

/** Bundles the browser entry point from source, as an application's bundler would. */
async function bundleBrowserEntry(): Promise<string> {
  const bundle = await rolldown({
    input: source('client', 'browser.ts'),
    platform: 'browser',
    resolve: {
      alias: { '@tsmq/codec': source('codec'), '@tsmq/selector': source('selector') },
      extensionAlias: { '.js': ['.ts', '.js'] },
    },
  });
  const { output } = await bundle.generate({ format: 'iife', name: 'tsmq' });
  await bundle.close();
  return output[0].code;
}

describe('browser entry point', () => {
  let code = '';
  beforeAll(async () => {
    code = await bundleBrowserEntry();
  });

  it('the browser bundle imports no Node built-in and not the ws package', () => {
    expect(code).not.toMatch(/(from|import\(|require\()\s*["'](node:[a-z]+|net|tls|ws)["']/);
  });

  // CI installs Chromium, so there a missing browser fails the run instead of skipping it.
  describe.skipIf(CHROMIUM === undefined && !process.env.CI)('in Chromium', () => {
    let b: TestBroker;
    let browser: Browser;
    beforeAll(async () => {
      b = await startBroker();
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });
    afterAll(async () => {
      await browser?.close();
      await b?.stop();
      await removeDir(b.dataDirectory);
    });

    it('a page sends and receives typed messages over ws:// with the same API', async () => {
      const page = await browser.newPage();
      await page.addScriptTag({ content: code });
      const result = await page.evaluate(async (url) => {
        const { ConnectionFactory, Session } = (globalThis as unknown as { tsmq: typeof import('../src/browser.js') }).tsmq;
        const connection = await new ConnectionFactory(url, { heartBeat: { outgoing: 0, incoming: 0 } }).createConnection();
        const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        const queue = session.createQueue('from.the.browser');
        const consumer = await session.createConsumer(queue);
        await connection.start();
        const m = session.createMapMessage();
        m.setLong('id', 9007199254740993n);
        m.setFloat('f', 0.5);
        m.setIntProperty('n', 7);
        await session.createProducer(queue).send(m);
        const r = (await consumer.receive(5000)) as InstanceType<typeof import('../src/browser.js').MapMessage>;
        const out = { id: String(r.getLong('id')), f: r.getFloat('f'), n: r.getIntProperty('n'), kind: r.kind };
        const tcp = await new ConnectionFactory('tcp://127.0.0.1:1')
          .createConnection()
          .then((c) => c.createSession())
          .then(
            () => 'connected',
            (e: { code?: string }) => e.code,
          );
        await connection.close();
        return { ...out, tcp };
      }, b.wsUrl);
      expect(result).toEqual({ id: '9007199254740993', f: 0.5, n: 7, kind: 'map', tcp: 'INVALID_URL' });
    });
  });
});
