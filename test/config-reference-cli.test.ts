/**
 * Project issue #6: `tsmq-broker --config activemq.xml` starts from ActiveMQ's own reference files.
 * Each file of ../shared/reference/activemq-xml is copied with its connector ports rewritten to 0,
 * the CLI runs it as a child process, and a STOMP client connects to the address it logs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerProcess, brokerCli, runBrokerCli } from '../packages/broker/test/helpers/broker-process.js';
import { RawStompClient } from '../packages/broker/test/helpers/raw-client.js';
import { within } from '../packages/broker/test/helpers/within.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const referenceDir = join(repoRoot, '..', 'shared', 'reference', 'activemq-xml');

let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tsmq-config-cli-'));
  // The CLI runs from the build output, which the test run's global setup brings up to date.
  expect(existsSync(brokerCli)).toBe(true);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const run = (args: string[]) => runBrokerCli(args, workDir);

/** A copy of a reference file whose connectors listen on free ports. */
async function withFreePorts(file: string): Promise<string> {
  const xml = await readFile(join(referenceDir, file), 'utf8');
  const copy = join(workDir, file);
  await writeFile(copy, xml.replace(/(uri="[a-z+]+:\/\/[^:"/]+):\d+/g, '$1:0'));
  return copy;
}

/** CONNECTs (with `headers`) to a stomp:// URL the CLI logged and checks the broker answers. */
async function connectTo(url: string, headers: Record<string, string> = {}): Promise<void> {
  const port = Number(new URL(url).port);
  const c = await RawStompClient.tcp(port);
  try {
    const connected = await c.connect({ 'accept-version': '1.2', host: 'localhost', ...headers });
    expect(connected.headers.version).toBe('1.2');
    c.send('SEND', { destination: '/queue/config.test', receipt: 'r' }, 'hello');
    expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('r');
  } finally {
    c.close();
  }
}

/** Each warning line is printed once, located as file:line:column. */
function expectWarningsOnceWithLocation(r: BrokerProcess, file: string): string[] {
  const lines = r.stderr().split('\n').filter((l) => l.startsWith(file));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) expect(l).toMatch(/:\d+:\d+: /);
  expect(new Set(lines).size).toBe(lines.length);
  return lines;
}

describe('tsmq-broker --config with ActiveMQ reference files', () => {
  it('activemq-stomp.xml: both STOMP connectors (stomp and stomp+nio) listen and accept a CONNECT', async () => {
    const file = await withFreePorts('activemq-stomp.xml');
    const r = run(['--config', file, `-Dactivemq.data=${join(workDir, 'data-stomp')}`]);
    try {
      await r.ready();
      const urls = r.listening();
      expect(urls).toHaveLength(2);
      for (const url of urls) {
        expect(url).toMatch(/^stomp:\/\/0\.0\.0\.0:\d+$/);
        await connectTo(url);
      }
      const warnings = expectWarningsOnceWithLocation(r, file);
      expect(warnings.some((w) => w.includes('transport.closeAsync'))).toBe(true);
      expect(await r.stop()).toBe(0);
    } finally {
      r.kill();
    }
  });

  it('activemq-default.xml: the OpenWire connector is reported as not started; STOMP listens on the default connectors', async () => {
    const file = await withFreePorts('activemq-default.xml');
    const r = run(['--config', file, `-Dactivemq.data=${join(workDir, 'data-default')}`, '--stomp-port', '0', '--ws-port', '0']);
    try {
      await r.ready();
      const warnings = expectWarningsOnceWithLocation(r, file);
      expect(warnings.some((w) => /tcp transport not implemented, not started/.test(w))).toBe(true);
      expect(warnings.some((w) => /no STOMP or WebSocket connector configured/.test(w))).toBe(true);
      const stomp = r.listening().find((u) => u.startsWith('stomp://'));
      expect(r.listening().some((u) => u.startsWith('ws://'))).toBe(true);
      await connectTo(stomp!);
      expect(await r.stop()).toBe(0);
    } finally {
      r.kill();
    }
  });

  it('activemq-security.xml: passwords come from -D properties; its users authenticate and its authorization map applies', async () => {
    const file = await withFreePorts('activemq-security.xml');
    const r = run([
      '--config',
      file,
      `-Dactivemq.data=${join(workDir, 'data-security')}`,
      '-Dactivemq.password=s3cret',
      '-Dguest.password=guestpw',
      '--stomp-port',
      '0',
      '--ws-port',
      '0',
    ]);
    try {
      await r.ready();
      const stomp = r.listening().find((u) => u.startsWith('stomp://'))!;
      const port = Number(new URL(stomp).port);
      // "system" is in the admins group, which may create and write any queue.
      await connectTo(stomp, { login: 'system', passcode: 's3cret' });

      const wrong = await RawStompClient.tcp(port);
      wrong.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', login: 'system', passcode: 'nope' });
      const refused = await wrong.next('ERROR');
      expect(refused.headers.code).toBe('AUTHENTICATION_FAILED');
      expect(refused.headers.message).toBe('User name [system] or password is invalid.');
      await wrong.waitClosed();

      // "guest" may write GUEST.> only.
      const guest = await RawStompClient.tcp(port);
      await guest.connect({ 'accept-version': '1.2', host: 'localhost', login: 'guest', passcode: 'guestpw' });
      guest.send('SEND', { destination: '/queue/GUEST.inbox', receipt: 'ok' }, 'x');
      expect((await guest.next('RECEIPT')).headers['receipt-id']).toBe('ok');
      guest.send('SEND', { destination: '/queue/config.test', receipt: 'no' }, 'x');
      const denied = await guest.next('ERROR');
      expect(denied.headers.code).toBe('ACCESS_DENIED');
      expect(denied.headers.message).toBe('User guest is not authorized to write to: queue://config.test');
      await guest.waitClosed();
      expect(await r.stop()).toBe(0);
    } finally {
      r.kill();
    }
  });

  it('a -D property fills a ${...} placeholder in a connector URI', async () => {
    const file = join(workDir, 'placeholder.xml');
    await writeFile(
      file,
      '<beans><broker xmlns="http://activemq.apache.org/schema/core" persistent="false"><transportConnectors>' +
        '<transportConnector name="stomp" uri="stomp://127.0.0.1:${stomp.port}?maximumConnections=5"/>' +
        '</transportConnectors></broker></beans>',
    );
    const r = run(['--config', file, '-Dstomp.port=0']);
    try {
      await r.ready();
      const urls = r.listening();
      expect(urls).toHaveLength(1);
      expect(urls[0]).toMatch(/^stomp:\/\/127\.0\.0\.1:\d+$/);
      expect(urls[0]).not.toBe('stomp://127.0.0.1:0');
      await connectTo(urls[0]!);
      expect(await r.stop()).toBe(0);
    } finally {
      r.kill();
    }
  });

  it('a configuration error exits 1 with the ConfigError message naming file and line', async () => {
    const file = join(workDir, 'bad.xml');
    await writeFile(file, '<beans><broker xmlns="http://activemq.apache.org/schema/core">\n<transportConnectors><transportConnector uri="stomp://0.0.0.0:61613?maximumConnections=lots"/></transportConnectors></broker></beans>');
    const r = run(['--config', file]);
    expect(await within(r.exited, 10_000, 'exit')).toBe(1);
    expect(r.stderr()).toContain(`${file}:2:`);
    expect(r.stdout()).not.toContain('ready');
  });
});
