import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBrokerConfigFile, type LoadedConfig } from '@tsmq/config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const referenceDir = path.resolve(repoRoot, '..', 'shared', 'reference', 'activemq-xml');
// Values of ActiveMQ's stock conf/credentials.properties, which the stock files read through a Spring bean.
const credentials = { 'activemq.username': 'system', 'activemq.password': 'manager', 'guest.password': 'password' };

function loadReference(name: string): Promise<LoadedConfig> {
  return loadBrokerConfigFile(path.join(referenceDir, name), { properties: credentials, env: {}, fileName: name });
}

/** Warnings as the broker's CLI prints them. */
function warningText(loaded: LoadedConfig): string {
  return loaded.warnings.map((w) => `${w.line}:${w.column}: ${w.message}`).join('\n');
}

describe('ActiveMQ reference activemq.xml files', () => {
  const files = readdirSync(referenceDir).filter((f) => f.endsWith('.xml'));

  it('the reference directory holds the files this suite checks', () => {
    expect(files).toEqual(expect.arrayContaining(['activemq-default.xml', 'activemq-security.xml', 'activemq-stomp.xml']));
  });

  it.each(files)('%s loads without error and every warning is located', async (name) => {
    const loaded = await loadReference(name);
    expect(loaded.config.brokerName).toBeTruthy();
    for (const warning of loaded.warnings) {
      expect(warning.line).toBeGreaterThan(0);
      expect(warning.column).toBeGreaterThan(0);
      expect(warning.message).toMatch(/^<[^>]+>: /);
      expect(warning.elementPath.startsWith('beans')).toBe(true);
    }
  });

  it('activemq-default.xml: usage limits, topic pending limit, KahaDB directory, OpenWire skipped', async () => {
    const { config, warnings } = await loadReference('activemq-default.xml');
    expect(config.brokerName).toBe('localhost');
    expect(config.dataDirectory).toBe('data');
    expect(config.persistenceAdapter).toEqual({ kind: 'journal', directory: 'data/kahadb', journalMaxFileLength: 32 * 1024 * 1024 });
    expect(config.systemUsage.storeLimit).toBe(100 * 1024 ** 3);
    expect(config.systemUsage.tempLimit).toBe(50 * 1024 ** 3);
    // percentOfJvmHeap="70" of the Node heap: positive and below the whole heap.
    const { heap_size_limit } = (await import('node:v8')).getHeapStatistics();
    expect(config.systemUsage.memoryLimit).toBe(Math.floor((heap_size_limit * 70) / 100));
    expect(config.destinationPolicies).toHaveLength(1);
    expect(config.destinationPolicies[0]).toMatchObject({ topic: '>', pendingMessageLimit: 1000 });
    // Only an OpenWire connector: it is not started, and the STOMP defaults listen instead.
    expect(config.transportConnectors.map((c) => c.uri)).toEqual(['stomp://0.0.0.0:61613', 'ws://0.0.0.0:61614']);
    const text = warningText({ config, warnings });
    expect(text).toMatch(/^178:\d+: <transportConnector uri="tcp:\/\/0\.0\.0\.0:61616\?maximumConnections=1000&wireFormat[^"]*">: tcp transport not implemented, not started/m);
    expect(text).toMatch(/^128:9: <managementContext>: not implemented/m);
    expect(text).toMatch(/^191:9: <shutdownHooks>: not implemented/m);
    expect(text).toMatch(/^204:\d+: <import resource="jetty-spring.xml">/m);
  });

  it('activemq-security.xml: users with groups and the authorization entries, in file order', async () => {
    const loaded = await loadReference('activemq-security.xml');
    const { config } = loaded;
    expect(config.persistent).toBe(false);
    expect(config.authentication?.users).toEqual([
      { username: 'system', password: 'manager', groups: ['users', 'admins'] },
      { username: 'user', password: 'password', groups: ['users'] },
      { username: 'guest', password: 'password', groups: ['guests'] },
    ]);
    expect(config.authentication?.anonymousAccessAllowed).toBe(false);
    const entries = config.authorization?.entries ?? [];
    expect(entries).toHaveLength(8);
    expect(entries[0]).toEqual({ queue: '>', read: ['admins'], write: ['admins'], admin: ['admins'] });
    expect(entries[2]).toEqual({ queue: 'GUEST.>', read: ['guests'], write: ['guests', 'users'], admin: ['guests', 'users'] });
    expect(entries[3]).toEqual({ queue: 'TEST.Q', read: ['guests'], write: ['guests'], admin: [] });
    expect(entries[7]).toEqual({ topic: 'ActiveMQ.Advisory.>', read: ['guests', 'users'], write: ['guests', 'users'], admin: ['guests', 'users'] });
    expect(warningText(loaded)).toMatch(/<broker useJmx="true">: no effect/);
  });

  it('activemq-security.xml without the credentials names the missing placeholder and where it is', async () => {
    const error = await loadBrokerConfigFile(path.join(referenceDir, 'activemq-security.xml'), { env: {}, fileName: 'activemq-security.xml' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CONFIG_UNRESOLVED_PLACEHOLDER', line: 85, attribute: 'password' });
    expect((error as Error).message).toContain('${activemq.password}');
  });

  it('activemq-stomp.xml: both STOMP connectors with their ports and flow control off', async () => {
    const loaded = await loadReference('activemq-stomp.xml');
    const { config } = loaded;
    expect(config.transportConnectors.map(({ name, protocol, host, port }) => ({ name, protocol, host, port }))).toEqual([
      { name: 'stomp', protocol: 'stomp', host: '0.0.0.0', port: 61612 },
      { name: 'stomp+nio', protocol: 'stomp', host: '0.0.0.0', port: 61613 },
    ]);
    expect(config.destinationPolicies.map((p) => [p.topic ?? p.queue, p.producerFlowControl])).toEqual([
      ['>', false],
      ['>', false],
    ]);
    expect(config.destinationPolicies[0]!.topic).toBe('>');
    expect(config.destinationPolicies[1]!.queue).toBe('>');
    expect(warningText(loaded)).toMatch(/URI option transport\.closeAsync not implemented/);
    expect(warningText(loaded)).toMatch(/<pendingSubscriberPolicy>: not implemented/);
  });
});
