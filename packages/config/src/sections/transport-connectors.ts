import { ConfigError } from '../errors.js';
import type { ConfigReader } from '../reader.js';
import { parseTransportUri, transportScheme, UNIMPLEMENTED_SCHEMES } from '../transport-uri.js';
import type { TransportConnectorConfig } from '../types.js';
import type { XmlElement } from '../xml/document.js';

/** A connector read from the file, with its element kept for TLS errors reported later. */
export interface ConnectorEntry {
  connector: Partial<TransportConnectorConfig> & Pick<TransportConnectorConfig, 'protocol'>;
  element: XmlElement;
}

const CONNECTOR_UNIMPLEMENTED = [
  'discoveryUri',
  'discoveryAgent',
  'enableStatusMonitor',
  'rebalanceClusterClients',
  'updateClusterClients',
  'updateClusterClientsOnRemove',
  'updateClusterFilter',
  'auditNetworkProducers',
  'allowLinkStealing',
  'maximumProducersAllowedPerConnection',
  'maximumConsumersAllowedPerConnection',
  'warnOnRemoteClose',
  'disableAsyncDispatch',
  'brokerService',
  'server',
  'taskRunnerFactory',
  'messageAuthorizationPolicy',
  'publishedAddressPolicy',
];

/** `<transportConnectors><transportConnector name uri/>...`: the STOMP and WebSocket listeners. */
export function readTransportConnectors(reader: ConfigReader, element: XmlElement): ConnectorEntry[] {
  const entries: ConnectorEntry[] = [];
  reader.checkAttributes(element, { implemented: [] });
  reader.readChildren(element, {
    transportConnector: (child) => {
      const entry = readTransportConnector(reader, child);
      if (entry) entries.push(entry);
    },
  });
  return entries;
}

function readTransportConnector(reader: ConfigReader, element: XmlElement): ConnectorEntry | undefined {
  reader.checkAttributes(element, { implemented: ['name', 'uri'], unimplemented: CONNECTOR_UNIMPLEMENTED });
  reader.readChildren(element, {}, ['publishedAddressPolicy', 'discoveryAgent', 'server', 'taskRunnerFactory']);
  const uri = reader.requiredString(element, 'uri');
  const scheme = transportScheme(uri);
  if (scheme !== undefined && UNIMPLEMENTED_SCHEMES.has(scheme)) {
    reader.warn(element, `${scheme} transport not implemented, not started (this broker serves STOMP and STOMP over WebSocket)`, 'uri');
    return undefined;
  }
  let parsed;
  try {
    parsed = parseTransportUri(uri, (option) =>
      reader.warn(element, `URI option ${option} not implemented, ignored`, 'uri'),
    );
  } catch (error) {
    if (error instanceof ConfigError) throw reader.error(error.code, element, error.message, 'uri');
    throw error;
  }
  const name = reader.string(element, 'name');
  return { connector: name === undefined ? parsed : { ...parsed, name }, element };
}
