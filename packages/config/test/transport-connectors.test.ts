import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConnector, loadBrokerConfigFile, parseTransportUri } from '@tsmq/config';
import { brokerXml, load, loadError, positionOf, warningsAbout } from './helpers.js';

const connectors = (...uris: string[]): string =>
  `<transportConnectors>${uris.map((u, i) => `<transportConnector name="c${i}" uri="${u}"/>`).join('')}</transportConnectors>`;

describe('parseTransportUri', () => {
  it.each([
    ['stomp://0.0.0.0:61613', 'stomp'],
    ['stomp+nio://0.0.0.0:61613', 'stomp'],
    ['stomp+ssl://0.0.0.0:61612', 'stomp+ssl'],
    ['stomp+nio+ssl://0.0.0.0:61612', 'stomp+ssl'],
    ['ws://0.0.0.0:61614', 'ws'],
    ['wss://0.0.0.0:61615', 'wss'],
  ])('%s listens as %s', (uri, protocol) => {
    expect(parseTransportUri(uri).protocol).toBe(protocol);
  });

  it('reads host, port and every implemented option', () => {
    const parsed = parseTransportUri(
      'stomp://127.0.0.1:61700?maximumConnections=50&wireFormat.maxFrameSize=104857600&transport.hbGracePeriodMultiplier=2&transport.defaultHeartBeat=5000,0&needClientAuth=true',
    );
    expect(parsed).toMatchObject({
      protocol: 'stomp',
      host: '127.0.0.1',
      port: 61700,
      maximumConnections: 50,
      maxFrameSize: 104857600,
      hbGracePeriodMultiplier: 2,
      defaultHeartBeat: [5000, 0],
      needClientAuth: true,
    });
  });

  it('leaves out what the URI does not say, so defaultConnector fills it', () => {
    const connector = defaultConnector(parseTransportUri('ws://[::1]'));
    expect(connector).toMatchObject({ host: '::1', port: 61614, maximumConnections: 1000, maxFrameSize: 100 * 1024 * 1024 });
  });

  it('reports options it does not implement instead of failing', () => {
    const ignored: string[] = [];
    parseTransportUri('stomp://0.0.0.0:0?transport.closeAsync=false&trace=true', (name) => ignored.push(name));
    expect(ignored).toEqual(['transport.closeAsync', 'trace']);
  });

  it.each([
    ['amqp://0.0.0.0:5672', 'unsupported transport scheme "amqp"'],
    ['stomp://0.0.0.0:70000', 'expected 0 to 65535'],
    ['stomp://0.0.0.0:1?maximumConnections=lots', 'maximumConnections'],
    ['stomp://0.0.0.0:1?transport.defaultHeartBeat=5000', 'cx,cy'],
    ['stomp://0.0.0.0:1?wireFormat.maxFrameSize=huge', 'wireFormat.maxFrameSize'],
    ['stomp://0.0.0.0:1?needClientAuth=maybe', 'true or false'],
    ['not a uri', 'scheme://host:port'],
  ])('%s is CONFIG_BAD_VALUE (%s)', (uri, text) => {
    try {
      parseTransportUri(uri);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_BAD_VALUE');
      expect((error as ConfigError).message).toContain(text);
    }
  });
});

describe('<transportConnectors>', () => {
  it('maps each STOMP connector with its name and options', () => {
    const { config } = load(
      brokerXml(
        connectors(
          'stomp://127.0.0.1:0?maximumConnections=10&amp;wireFormat.maxFrameSize=1048576',
          'ws://0.0.0.0:0?transport.defaultHeartBeat=10000,10000',
        ),
      ),
    );
    expect(config.transportConnectors).toEqual([
      expect.objectContaining({ name: 'c0', protocol: 'stomp', host: '127.0.0.1', port: 0, maximumConnections: 10, maxFrameSize: 1048576 }),
      expect.objectContaining({ name: 'c1', protocol: 'ws', port: 0, defaultHeartBeat: [10000, 10000] }),
    ]);
  });

  it('OpenWire, AMQP, MQTT and auto connectors are not started, with one warning each', () => {
    const xml = brokerXml(connectors('tcp://0.0.0.0:61616', 'amqp://0.0.0.0:5672', 'mqtt://0.0.0.0:1883', 'auto+nio://0.0.0.0:5671', 'stomp://0.0.0.0:0'));
    const loaded = load(xml);
    expect(loaded.config.transportConnectors.map((c) => c.name)).toEqual(['c4']);
    expect(warningsAbout(loaded, 'not implemented, not started')).toHaveLength(4);
    expect(loaded.warnings[0]).toMatchObject(positionOf(xml, 'uri="tcp:'));
  });

  it('a file whose connectors are all non-STOMP still gets the default STOMP and WebSocket listeners, with a warning', () => {
    const loaded = load(brokerXml(connectors('tcp://0.0.0.0:61616')));
    expect(loaded.config.transportConnectors.map((c) => c.uri)).toEqual(['stomp://0.0.0.0:61613', 'ws://0.0.0.0:61614']);
    expect(warningsAbout(loaded, 'no STOMP or WebSocket connector configured')).toHaveLength(1);
  });

  it('an unknown URI option is a warning at the uri attribute', () => {
    const xml = brokerXml(connectors('stomp://0.0.0.0:0?transport.soTimeout=100'));
    const loaded = load(xml);
    expect(warningsAbout(loaded, 'URI option transport.soTimeout not implemented')).toHaveLength(1);
  });

  it('a bad option value is an error located at the connector uri', () => {
    const xml = brokerXml(connectors('stomp://0.0.0.0:0?maximumConnections=0'));
    const error = loadError(xml, 'CONFIG_BAD_VALUE');
    expect(error).toMatchObject({ attribute: 'uri', ...positionOf(xml, 'uri="stomp:') });
  });

  it('a misspelt scheme is an error, not a silently skipped connector', () => {
    loadError(brokerXml(connectors('stmop://0.0.0.0:61613')), 'CONFIG_BAD_VALUE');
  });

  it('two connectors on the same port are refused', () => {
    loadError(brokerXml(connectors('stomp://0.0.0.0:61613', 'stomp+nio://0.0.0.0:61613')), 'CONFIG_BAD_VALUE');
  });
});

describe('<sslContext> and TLS connectors', () => {
  const ssl = (attributes: string): string => `<sslContext><sslContext ${attributes}/></sslContext>`;

  it('a PKCS#12 keystore becomes pfxFile and passphrase on every TLS connector, not on plain ones', () => {
    const { config } = load(
      brokerXml(
        ssl('keyStore="conf/broker.p12" keyStorePassword="secret" trustStore="conf/ca.pem" trustStorePassword="x"') +
          connectors('stomp+ssl://0.0.0.0:0?needClientAuth=true', 'wss://0.0.0.0:0', 'stomp://0.0.0.0:0'),
      ),
    );
    const tls = { pfxFile: 'conf/broker.p12', passphrase: 'secret', caFile: 'conf/ca.pem' };
    expect(config.transportConnectors[0]).toMatchObject({ protocol: 'stomp+ssl', needClientAuth: true, tls });
    expect(config.transportConnectors[1]).toMatchObject({ protocol: 'wss', tls });
    expect(config.transportConnectors[2]!.tls).toBeUndefined();
  });

  it('a PEM keystore holds key and certificate; a file: prefix is dropped', () => {
    const { config } = load(brokerXml(ssl('keyStore="file:/etc/mq/broker.pem"') + connectors('stomp+ssl://0.0.0.0:0')));
    expect(config.transportConnectors[0]!.tls).toEqual({ keyFile: '/etc/mq/broker.pem', certFile: '/etc/mq/broker.pem' });
  });

  it('a JKS keystore with a TLS connector is CONFIG_BAD_VALUE explaining the keytool conversion', () => {
    const xml = brokerXml(ssl('keyStore="broker.ks" keyStorePassword="password"') + connectors('stomp+ssl://0.0.0.0:0'));
    const error = loadError(xml, 'CONFIG_BAD_VALUE');
    expect(error.attribute).toBe('keyStore');
    expect(error.message).toContain('keytool -importkeystore');
    expect(error.message).toContain('-deststoretype PKCS12');
  });

  it('a JKS keystore with no TLS connector is only a warning', () => {
    const loaded = load(brokerXml(ssl('keyStore="broker.ks" trustStore="broker.ts"') + connectors('stomp://0.0.0.0:0')));
    expect(warningsAbout(loaded, 'keytool -importkeystore')).toHaveLength(2);
  });

  it('a TLS connector without any keystore is CONFIG_BAD_VALUE saying what to add', () => {
    const error = loadError(brokerXml(connectors('wss://0.0.0.0:0')), 'CONFIG_BAD_VALUE');
    expect(error.message).toContain('<sslContext>');
  });

  it('needClientAuth without a trust store, or on a plain connector, is a warning', () => {
    const loaded = load(brokerXml(ssl('keyStore="b.p12"') + connectors('stomp+ssl://0.0.0.0:0?needClientAuth=true', 'stomp://0.0.0.0:0?needClientAuth=true')));
    expect(warningsAbout(loaded, "needClientAuth without a trustStore accepts client certificates from Node's default public CAs")).toHaveLength(1);
    expect(warningsAbout(loaded, 'needClientAuth has no effect on a connector without TLS')).toHaveLength(1);
  });

  it('-Djavax.net.ssl.keyStore stands in for <sslContext>, as the JVM properties do for ActiveMQ', () => {
    const { config } = load(brokerXml(connectors('stomp+ssl://0.0.0.0:0')), {
      properties: { 'javax.net.ssl.keyStore': 'b.pfx', 'javax.net.ssl.keyStorePassword': 'pw' },
    });
    expect(config.transportConnectors[0]!.tls).toEqual({ pfxFile: 'b.pfx', passphrase: 'pw' });
  });
});

describe('loadBrokerConfigFile and ${activemq.conf}', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('${activemq.conf} is the directory of the file, so keystores next to activemq.xml are found', async () => {
    const file = path.join(dir, 'activemq.xml');
    await writeFile(
      file,
      brokerXml(`<sslContext><sslContext keyStore="\${activemq.conf}/broker.p12" keyStorePassword="pw"/></sslContext>` + connectors('stomp+ssl://0.0.0.0:0')),
    );
    const { config } = await loadBrokerConfigFile(file, { env: {} });
    expect(config.transportConnectors[0]!.tls?.pfxFile).toBe(path.join(dir, 'broker.p12'));
  });

  it('messages name the file as given', async () => {
    const file = path.join(dir, 'bad.xml');
    await writeFile(file, brokerXml('', 'persistent="maybe"'));
    const error = await loadBrokerConfigFile(file, { env: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_BAD_VALUE', file, line: 2 });
    expect((error as Error).message.startsWith(`${file}:2:`)).toBe(true);
  });

  it('a missing file is CONFIG_IO naming it', async () => {
    const file = path.join(dir, 'missing.xml');
    const error = await loadBrokerConfigFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_IO', file });
    expect((error as Error).message).toContain('ENOENT');
  });
});
