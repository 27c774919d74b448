import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BytesMessage, MapMessage, TextMessage, type Message } from '../src/index.js';
import { factory, sharedBroker } from './support/broker.js';

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
    const b = sharedBroker();
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    });
    afterAll(async () => {
      await browser?.close();
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

    it('a page (ws://) and a Node process (tcp://) exchange Text, Map and Bytes messages through the broker, both ways', async () => {
      const node = await factory(b.tcpUrl).createConnection();
      try {
        const session = await node.createSession();
        const fromPage = await session.createConsumer(session.createQueue('exchange.to.node'));
        await node.start();
        const toPage = session.createProducer(session.createQueue('exchange.to.page'));
        const text = session.createTextMessage('from Node ✓');
        text.setLongProperty('big', 9007199254740993n);
        await toPage.send(text);
        const map = session.createMapMessage();
        map.setString('name', 'node');
        map.setLong('big', -9007199254740993n);
        map.setFloat('f', 0.1);
        map.setBytes('raw', new Uint8Array([0, 128, 255]));
        await toPage.send(map);
        const bytes = session.createBytesMessage();
        bytes.writeInt(-5);
        bytes.writeUTF('ünïcode');
        bytes.writeDouble(2.5);
        await toPage.send(bytes);

        const page = await browser.newPage();
        await page.addScriptTag({ content: code });
        // The page receives what Node sent, then answers with one message of each kind.
        const seen = await page.evaluate(async (url) => {
          type Client = typeof import('../src/browser.js');
          const tsmq = (globalThis as unknown as { tsmq: Client }).tsmq;
          const connection = await new tsmq.ConnectionFactory(url, { heartBeat: { outgoing: 0, incoming: 0 } }).createConnection();
          try {
            const s = await connection.createSession(false, tsmq.Session.AUTO_ACKNOWLEDGE);
            const consumer = await s.createConsumer(s.createQueue('exchange.to.page'));
            await connection.start();
            const got: unknown[] = [];
            for (let i = 0; i < 3; i++) {
              const m = await consumer.receive(5000);
              if (m instanceof tsmq.TextMessage) got.push({ kind: 'text', text: m.getText(), big: String(m.getLongProperty('big')) });
              else if (m instanceof tsmq.MapMessage) {
                got.push({
                  kind: 'map',
                  name: m.getString('name'),
                  big: String(m.getLong('big')),
                  bigType: m.getType('big'),
                  f: m.getFloat('f'),
                  raw: [...m.getBytes('raw')!],
                });
              } else if (m instanceof tsmq.BytesMessage) got.push({ kind: 'bytes', int: m.readInt(), utf: m.readUTF(), double: m.readDouble() });
              else got.push({ kind: m === null ? 'nothing' : 'unexpected' });
            }
            const producer = s.createProducer(s.createQueue('exchange.to.node'));
            const t = s.createTextMessage('from the page ✓');
            t.setIntProperty('n', 7);
            await producer.send(t);
            const mm = s.createMapMessage();
            mm.setLong('big', 9007199254740993n);
            mm.setDouble('d', -0.5);
            mm.setBoolean('ok', true);
            mm.setBytes('raw', new Uint8Array([1, 2, 3]));
            await producer.send(mm);
            const bm = s.createBytesMessage();
            bm.writeLong(-1n);
            bm.writeUTF('из браузера');
            await producer.send(bm);
            return got;
          } finally {
            await connection.close();
          }
        }, b.wsUrl);
        expect(seen).toEqual([
          { kind: 'text', text: 'from Node ✓', big: '9007199254740993' },
          { kind: 'map', name: 'node', big: '-9007199254740993', bigType: 'long', f: Math.fround(0.1), raw: [0, 128, 255] },
          { kind: 'bytes', int: -5, utf: 'ünïcode', double: 2.5 },
        ]);

        const t = (await fromPage.receive(5000)) as Message;
        expect(t).toBeInstanceOf(TextMessage);
        expect((t as TextMessage).getText()).toBe('from the page ✓');
        expect(t.getIntProperty('n')).toBe(7);
        expect(t.getPropertyType('n')).toBe('int');
        const m = (await fromPage.receive(5000)) as Message;
        expect(m).toBeInstanceOf(MapMessage);
        const mm = m as MapMessage;
        expect(mm.getLong('big')).toBe(9007199254740993n);
        expect(mm.getDouble('d')).toBe(-0.5);
        expect(mm.getBoolean('ok')).toBe(true);
        expect([...mm.getBytes('raw')!]).toEqual([1, 2, 3]);
        const bm = (await fromPage.receive(5000)) as Message;
        expect(bm).toBeInstanceOf(BytesMessage);
        expect((bm as BytesMessage).readLong()).toBe(-1n);
        expect((bm as BytesMessage).readUTF()).toBe('из браузера');
      } finally {
        await node.close();
      }
    });
  });
});
