import { defaultBrokerConfig } from '../defaults.js';
import type { ConfigReader } from '../reader.js';
import type { AuthenticationConfig, AuthorizationConfig, BrokerConfigInput, TlsConfig } from '../types.js';
import type { XmlElement } from '../xml/document.js';
import { readDestinationPolicy } from './destination-policy.js';
import { readPersistenceAdapter } from './persistence.js';
import { readPlugins } from './plugins.js';
import { readSslContext, tlsFromProperties, type TlsSettings } from './ssl-context.js';
import { readSystemUsage } from './system-usage.js';
import { readTransportConnectors, type ConnectorEntry } from './transport-connectors.js';

// BrokerService settings ActiveMQ users may carry over; accepted with a warning each.
const BROKER_ATTRIBUTES_UNIMPLEMENTED: Readonly<Record<string, string>> = {
  useJmx: 'no effect: there is no JMX here; the broker logs a status line instead',
  adjustUsageLimits: '', allowTempAutoCreationOnSend: '', anonymousProducerAdvisorySupport: '', brokerId: '',
  brokerObjectName: '', cacheTempDestinations: '', consumerSystemUsagePortion: '', dedicatedTaskRunner: '',
  deleteAllMessagesOnStartup: '', enableMessageExpirationOnActiveDurableSubs: '', enableStatistics: '',
  keepDurableSubsActive: '', maxPurgedDestinationsPerSweep: '', maxSchedulerRepeatAllowed: '', mbeanInvocationTimeout: '',
  monitorConnectionSplits: '', networkConnectorStartAsync: '', offlineDurableSubscriberTaskSchedule: '',
  offlineDurableSubscriberTimeout: '', passiveSlave: '', persistenceThreadPriority: '', populateJMSXUserID: '',
  populateUserNameInMBeans: '', producerSystemUsagePortion: '', rejectDurableConsumers: '', restartAllowed: '',
  schedulePeriodForDestinationPurge: '', schedulerDirectory: '', shutdownOnMasterFailure: '', shutdownOnSlaveFailure: '',
  splitSystemUsageForProducersConsumers: '', start: '', storeOpenWireVersion: '', systemExitOnShutdown: '',
  systemExitOnShutdownExitCode: '', taskRunnerPriority: '', timeBeforePurgeTempDestinations: '', tmpDataDirectory: '',
  useAuthenticatedPrincipalForJMSXUserID: '', useLocalHostBrokerName: '', useLoggingForShutdownErrors: '',
  useMirroredQueues: '', useShutdownHook: '', useTempMirroredQueues: '', useVirtualDestSubs: '',
  useVirtualDestSubsOnCreation: '', useVirtualTopics: '', vmConnectorURI: '', waitForSlave: '', waitForSlaveTimeout: '',
  schedulerDirectoryFile: '', dataDirectoryFile: '', networkConnectorURIs: '', transportConnectorURIs: '',
};

// Broker children ActiveMQ has and this broker does not; each gets one warning and its content is skipped.
const BROKER_CHILDREN_UNIMPLEMENTED = [
  'managementContext', 'networkConnectors', 'shutdownHooks', 'destinationInterceptors', 'destinations', 'proxyConnectors',
  'jmsBridgeConnectors', 'services', 'persistenceFactory', 'producerSystemUsage', 'consumerSystemUsage', 'tempDataStore',
  'jobSchedulerStore', 'ioExceptionHandler', 'brokerContext', 'messageAuthorizationPolicy', 'taskRunnerFactory',
  'persistenceTaskRunnerFactory', 'destinationFactory', 'regionBroker', 'adminView', 'startException', 'networkConnectorURIs',
  'transportConnectorURIs', 'bean', 'property', 'jmxDomainName', 'brokerPluginSupport',
];

const TLS_PROTOCOLS = new Set(['stomp+ssl', 'wss']);

/** Reads `<broker>` into a {@link BrokerConfigInput}; defaults are filled in by the caller. */
export function readBroker(reader: ConfigReader, broker: XmlElement, properties: Readonly<Record<string, string>>): BrokerConfigInput {
  reader.checkAttributes(broker, {
    implemented: ['brokerName', 'dataDirectory', 'persistent', 'schedulerSupport', 'advisorySupport'],
    unimplemented: BROKER_ATTRIBUTES_UNIMPLEMENTED,
  });
  const input: BrokerConfigInput = {};
  const brokerName = reader.string(broker, 'brokerName')?.trim();
  if (brokerName !== undefined) {
    if (brokerName === '') throw reader.error('CONFIG_BAD_VALUE', broker, 'empty broker name', 'brokerName');
    input.brokerName = brokerName;
  }
  const dataDirectory = reader.string(broker, 'dataDirectory')?.trim();
  if (dataDirectory) input.dataDirectory = dataDirectory;
  const persistent = reader.bool(broker, 'persistent');
  if (persistent !== undefined) input.persistent = persistent;
  const schedulerSupport = reader.bool(broker, 'schedulerSupport');
  if (schedulerSupport !== undefined) input.schedulerSupport = schedulerSupport;
  const advisorySupport = reader.bool(broker, 'advisorySupport');
  if (advisorySupport !== undefined) input.advisorySupport = advisorySupport;

  let connectors: ConnectorEntry[] | undefined;
  let connectorsElement: XmlElement | undefined;
  let tlsSettings: TlsSettings | undefined;
  reader.readChildren(
    broker,
    {
      transportConnectors: (element) => {
        connectorsElement = element;
        connectors = [...(connectors ?? []), ...readTransportConnectors(reader, element)];
      },
      systemUsage: (element) => (input.systemUsage = { ...input.systemUsage, ...readSystemUsage(reader, element) }),
      destinationPolicy: (element) => {
        const policies = readDestinationPolicy(reader, element);
        input.destinationPolicies = policies.entries;
        if (policies.defaultEntry) input.defaultPolicy = policies.defaultEntry;
      },
      plugins: (element) => {
        const plugins = readPlugins(reader, element);
        // resolveBrokerConfig fills what the file leaves out, though BrokerConfigInput types these two as complete.
        if (plugins.authentication) input.authentication = plugins.authentication as AuthenticationConfig;
        if (plugins.authorization) input.authorization = plugins.authorization as AuthorizationConfig;
        if (plugins.redeliveryPolicy) input.redeliveryPolicy = plugins.redeliveryPolicy;
      },
      persistenceAdapter: (element) => {
        const adapter = readPersistenceAdapter(reader, element);
        if (adapter) input.persistenceAdapter = adapter;
      },
      sslContext: (element) => (tlsSettings = readSslContext(reader, element)),
    },
    BROKER_CHILDREN_UNIMPLEMENTED,
  );

  if (connectors !== undefined) {
    const tls = resolveTls(reader, connectors, tlsSettings ?? tlsFromProperties(properties, broker));
    if (connectors.length === 0) {
      const defaults = defaultBrokerConfig().transportConnectors.map((c) => c.uri).join(' and ');
      reader.warn(connectorsElement!, `no STOMP or WebSocket connector configured; listening on the defaults ${defaults}`);
    } else {
      checkDistinctPorts(reader, connectors);
      warnAboutClientAuth(reader, connectors, tls);
      input.transportConnectors = connectors.map(({ connector }) =>
        TLS_PROTOCOLS.has(connector.protocol) && tls ? { ...connector, tls } : connector,
      );
    }
  } else if (tlsSettings) {
    resolveTls(reader, [], tlsSettings);
  }
  return input;
}

/**
 * Keystore problems are errors only when a TLS connector would use the keystore; otherwise a
 * warning, so that files referencing a JKS store for connectors this broker does not start still load.
 */
function resolveTls(reader: ConfigReader, connectors: readonly ConnectorEntry[], settings: TlsSettings): TlsConfig | undefined {
  const firstTls = connectors.find(({ connector }) => TLS_PROTOCOLS.has(connector.protocol));
  for (const problem of settings.problems) {
    if (firstTls) throw reader.error('CONFIG_BAD_VALUE', problem.element, problem.detail, problem.attribute);
    reader.warn(problem.element, `${problem.detail} (no TLS connector uses it, so this is not an error)`, problem.attribute);
  }
  if (firstTls && !(settings.tls?.pfxFile || settings.tls?.keyFile)) {
    throw reader.error(
      'CONFIG_BAD_VALUE',
      firstTls.element,
      'a TLS connector needs a key and certificate: add <sslContext><sslContext keyStore="broker.p12" keyStorePassword="..."/></sslContext> or pass -Djavax.net.ssl.keyStore=...',
      'uri',
    );
  }
  return settings.tls;
}

function warnAboutClientAuth(reader: ConfigReader, connectors: readonly ConnectorEntry[], tls: TlsConfig | undefined): void {
  for (const { connector, element } of connectors) {
    if (!connector.needClientAuth) continue;
    if (!TLS_PROTOCOLS.has(connector.protocol)) {
      reader.warn(element, 'needClientAuth has no effect on a connector without TLS', 'uri');
    } else if (!tls?.caFile) {
      reader.warn(element, "needClientAuth without a trustStore accepts client certificates from Node's default public CAs", 'uri');
    }
  }
}

function checkDistinctPorts(reader: ConfigReader, connectors: readonly ConnectorEntry[]): void {
  const seen = new Map<string, ConnectorEntry>();
  for (const entry of connectors) {
    const port = entry.connector.port;
    if (port === undefined || port === 0) continue;
    const key = `${entry.connector.host}:${port}`;
    if (seen.has(key)) {
      throw reader.error('CONFIG_BAD_VALUE', entry.element, `port ${port} on ${entry.connector.host} is already used by another connector`, 'uri');
    }
    seen.set(key, entry);
  }
}
