import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { defaultBrokerConfig } from '@tsmq/config';
import { brokerXml, load, loadError, warningsAbout } from './helpers.js';

describe('<broker> attributes', () => {
  it('maps brokerName, dataDirectory, persistent, schedulerSupport and advisorySupport', () => {
    const { config } = load(
      brokerXml('', 'brokerName="orders" dataDirectory="/srv/mq" persistent="False" schedulerSupport="false" advisorySupport="true"'),
    );
    expect(config).toMatchObject({
      brokerName: 'orders',
      dataDirectory: '/srv/mq',
      persistent: false,
      schedulerSupport: false,
      advisorySupport: true,
    });
  });

  it('an empty broker gives exactly the embedded defaults', () => {
    expect(load(brokerXml('')).config).toEqual(defaultBrokerConfig());
  });

  it('useJmx is accepted with one warning', () => {
    const loaded = load(brokerXml('', 'useJmx="true"'));
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]!.message).toContain('useJmx="true">: no effect');
  });
});

describe('<systemUsage>', () => {
  it('reads memory, store and temp limits and the send-fail settings', () => {
    const { config } = load(
      brokerXml(`<systemUsage><systemUsage sendFailIfNoSpace="true" sendFailIfNoSpaceAfterTimeout="3000">
        <memoryUsage><memoryUsage limit="64 mb"/></memoryUsage>
        <storeUsage><storeUsage limit="1 gb"/></storeUsage>
        <tempUsage><tempUsage limit="512 mb"/></tempUsage>
      </systemUsage></systemUsage>`),
    );
    expect(config.systemUsage).toEqual({
      memoryLimit: 64 * 1024 ** 2,
      storeLimit: 1024 ** 3,
      tempLimit: 512 * 1024 ** 2,
      sendFailIfNoSpace: true,
      sendFailIfNoSpaceAfterTimeout: 3000,
    });
  });

  it('percentOfJvmHeap is that share of the Node heap limit', () => {
    const { config } = load(brokerXml('<systemUsage><systemUsage><memoryUsage><memoryUsage percentOfJvmHeap="25"/></memoryUsage></systemUsage></systemUsage>'));
    expect(config.systemUsage.memoryLimit).toBe(Math.floor(getHeapStatistics().heap_size_limit / 4));
  });

  it('percentOfJvmHeap outside 1..100 is CONFIG_BAD_VALUE', () => {
    const error = loadError(
      brokerXml('<systemUsage><systemUsage><memoryUsage><memoryUsage percentOfJvmHeap="170"/></memoryUsage></systemUsage></systemUsage>'),
      'CONFIG_BAD_VALUE',
    );
    expect(error.message).toContain('from 1 to 100');
  });

  it('percentOfJvmHeap is only for memory', () => {
    loadError(brokerXml('<systemUsage><systemUsage><storeUsage><storeUsage percentOfJvmHeap="10"/></storeUsage></systemUsage></systemUsage>'), 'CONFIG_UNKNOWN_ATTRIBUTE');
  });
});

describe('<persistenceAdapter>', () => {
  it('kahaDB becomes the journal store with its directory and segment size', () => {
    const { config } = load(brokerXml('<persistenceAdapter><kahaDB directory="/srv/kahadb" journalMaxFileLength="64mb"/></persistenceAdapter>'));
    expect(config.persistenceAdapter).toEqual({ kind: 'journal', directory: '/srv/kahadb', journalMaxFileLength: 64 * 1024 ** 2 });
  });

  it('KahaDB tuning attributes are warnings, one each', () => {
    const loaded = load(brokerXml('<persistenceAdapter><kahaDB indexCacheSize="10000" enableJournalDiskSyncs="false"/></persistenceAdapter>'));
    expect(warningsAbout(loaded, '<kahaDB indexCacheSize="10000">: not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, 'enableJournalDiskSyncs')).toHaveLength(1);
  });

  it('memoryPersistenceAdapter becomes the in-memory store', () => {
    expect(load(brokerXml('<persistenceAdapter><memoryPersistenceAdapter/></persistenceAdapter>')).config.persistenceAdapter).toEqual({ kind: 'memory' });
  });

  it('JDBC and LevelDB adapters are warnings and the journal store stays', () => {
    const loaded = load(brokerXml('<persistenceAdapter><jdbcPersistenceAdapter dataSource="#ds"/></persistenceAdapter>'));
    expect(loaded.config.persistenceAdapter.kind).toBe('journal');
    expect(warningsAbout(loaded, 'journal store is used instead')).toHaveLength(1);
  });
});
