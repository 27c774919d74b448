import type { ConfigReader } from '../reader.js';
import type { AuthenticationConfig, AuthenticationUser, AuthorizationConfig, AuthorizationEntry, RedeliveryPolicy } from '../types.js';
import type { XmlElement } from '../xml/document.js';

/** What `<plugins>` sets. */
export interface PluginSettings {
  authentication?: Partial<AuthenticationConfig>;
  authorization?: Partial<AuthorizationConfig>;
  redeliveryPolicy?: Partial<RedeliveryPolicy>;
}

// ActiveMQ broker plugins this broker does not have; each gets one warning.
const UNIMPLEMENTED_PLUGINS = [
  'jaasAuthenticationPlugin',
  'jaasCertificateAuthenticationPlugin',
  'jaasDualAuthenticationPlugin',
  'statisticsBrokerPlugin',
  'loggingBrokerPlugin',
  'timeStampingBrokerPlugin',
  'traceBrokerPathPlugin',
  'discardingDLQBrokerPlugin',
  'forcePersistencyModeBrokerPlugin',
  'destinationPathSeparatorPlugin',
  'destinationsPlugin',
  'runtimeConfigurationPlugin',
  'connectionDotFilePlugin',
  'destinationDotFilePlugin',
  'multicastTraceBrokerPlugin',
  'udpTraceBrokerPlugin',
  'virtualSelectorCacheBrokerPlugin',
  'partitionBrokerPlugin',
  'camelRoutesBrokerPlugin',
  'brokerPluginSupport',
  'bean',
];

/** `<plugins>`: simpleAuthenticationPlugin, authorizationPlugin, redeliveryPlugin. */
export function readPlugins(reader: ConfigReader, element: XmlElement): PluginSettings {
  const settings: PluginSettings = {};
  reader.checkAttributes(element, { implemented: [] });
  reader.readChildren(
    element,
    {
      simpleAuthenticationPlugin: (plugin) => (settings.authentication = readAuthentication(reader, plugin)),
      authorizationPlugin: (plugin) => (settings.authorization = readAuthorization(reader, plugin)),
      redeliveryPlugin: (plugin) => (settings.redeliveryPolicy = readRedelivery(reader, plugin)),
    },
    UNIMPLEMENTED_PLUGINS,
  );
  return settings;
}

function readAuthentication(reader: ConfigReader, plugin: XmlElement): Partial<AuthenticationConfig> {
  reader.checkAttributes(plugin, {
    implemented: ['anonymousAccessAllowed', 'anonymousUser', 'anonymousGroup'],
    unimplemented: { userPasswords: 'use <users><authenticationUser/></users> instead', userGroups: 'use <users><authenticationUser/></users> instead' },
  });
  const users: AuthenticationUser[] = [];
  reader.readChildren(
    plugin,
    {
      users: (list) => {
        reader.checkAttributes(list, { implemented: [] });
        reader.readChildren(list, {
          authenticationUser: (user) => {
            reader.checkAttributes(user, { implemented: ['username', 'password', 'groups'] });
            reader.readChildren(user, {});
            const username = reader.requiredString(user, 'username');
            if (users.some((u) => u.username === username)) {
              throw reader.error('CONFIG_BAD_VALUE', user, `user "${username}" is defined twice`, 'username');
            }
            users.push({ username, password: reader.string(user, 'password') ?? '', groups: reader.list(user, 'groups') ?? [] });
          },
        });
      },
    },
    ['userPasswords', 'userGroups'],
  );
  const config: Partial<AuthenticationConfig> = { users };
  const anonymousAccessAllowed = reader.bool(plugin, 'anonymousAccessAllowed');
  if (anonymousAccessAllowed !== undefined) config.anonymousAccessAllowed = anonymousAccessAllowed;
  const anonymousUser = reader.string(plugin, 'anonymousUser');
  if (anonymousUser !== undefined) config.anonymousUser = anonymousUser;
  const anonymousGroup = reader.string(plugin, 'anonymousGroup');
  if (anonymousGroup !== undefined) config.anonymousGroup = anonymousGroup;
  return config;
}

function readAuthorization(reader: ConfigReader, plugin: XmlElement): Partial<AuthorizationConfig> {
  const config: Partial<AuthorizationConfig> & { entries: AuthorizationEntry[] } = { entries: [] };
  reader.checkAttributes(plugin, { implemented: [] });
  reader.readChildren(plugin, {
    map: (holder) => {
      reader.checkAttributes(holder, { implemented: [] });
      reader.readChildren(
        holder,
        {
          authorizationMap: (map) => {
            reader.checkAttributes(map, { implemented: [], unimplemented: ['groupClass'] });
            reader.readChildren(
              map,
              {
                authorizationEntries: (list) => {
                  reader.checkAttributes(list, { implemented: [] });
                  reader.readChildren(list, { authorizationEntry: (e) => config.entries.push(readAuthorizationEntry(reader, e)) });
                },
                tempDestinationAuthorizationEntry: (holder2) => {
                  reader.checkAttributes(holder2, { implemented: [] });
                  reader.readChildren(holder2, {
                    tempDestinationAuthorizationEntry: (e) => {
                      reader.checkAttributes(e, { implemented: ['read', 'write', 'admin'], unimplemented: ['groupClass'] });
                      reader.readChildren(e, {});
                      config.tempDestination = {
                        read: reader.list(e, 'read') ?? [],
                        write: reader.list(e, 'write') ?? [],
                        admin: reader.list(e, 'admin') ?? [],
                      };
                    },
                  });
                },
              },
              ['defaultEntry'],
            );
          },
        },
        ['cachedLDAPAuthorizationMap', 'simpleAuthorizationMap', 'lDAPAuthorizationMap'],
      );
    },
  });
  return config;
}

function readAuthorizationEntry(reader: ConfigReader, element: XmlElement): AuthorizationEntry {
  reader.checkAttributes(element, {
    implemented: ['queue', 'topic', 'read', 'write', 'admin'],
    unimplemented: ['tempQueue', 'tempTopic', 'groupClass'],
  });
  reader.readChildren(element, {});
  const queue = reader.string(element, 'queue')?.trim();
  const topic = reader.string(element, 'topic')?.trim();
  if ((queue === undefined) === (topic === undefined) || queue === '' || topic === '') {
    throw reader.error(
      'CONFIG_BAD_VALUE',
      element,
      'an authorizationEntry needs exactly one of queue="..." or topic="..." (wildcards . * > allowed)',
    );
  }
  return {
    ...(queue !== undefined ? { queue } : { topic: topic! }),
    read: reader.list(element, 'read') ?? [],
    write: reader.list(element, 'write') ?? [],
    admin: reader.list(element, 'admin') ?? [],
  };
}

const REDELIVERY_POLICY_UNIMPLEMENTED = ['collisionAvoidancePercent', 'useCollisionAvoidance', 'preDispatchCheck', 'destination'];

function readRedelivery(reader: ConfigReader, plugin: XmlElement): Partial<RedeliveryPolicy> {
  let policy: Partial<RedeliveryPolicy> = {};
  reader.checkAttributes(plugin, { implemented: [], unimplemented: ['fallbackToDeadLetter', 'sendToDlqIfMaxRetriesExceeded'] });
  const readMap = (map: XmlElement): void => {
    reader.checkAttributes(map, { implemented: [] });
    reader.readChildren(map, {
      // ActiveMQ writes the property element and then the bean: redeliveryPolicyMap > redeliveryPolicyMap.
      redeliveryPolicyMap: readMap,
      defaultEntry: (holder) => {
        reader.checkAttributes(holder, { implemented: [] });
        reader.readChildren(holder, { redeliveryPolicy: (p) => (policy = readRedeliveryPolicy(reader, p)) });
      },
      redeliveryPolicyEntries: (list) => {
        reader.checkAttributes(list, { implemented: [] });
        reader.readChildren(list, {
          redeliveryPolicy: (p) =>
            reader.warn(p, 'per-destination redelivery policies are not implemented; only the default entry applies'),
        });
      },
    });
  };
  reader.readChildren(plugin, { redeliveryPolicyMap: readMap, redeliveryPolicy: (p) => (policy = readRedeliveryPolicy(reader, p)) });
  return policy;
}

function readRedeliveryPolicy(reader: ConfigReader, element: XmlElement): Partial<RedeliveryPolicy> {
  reader.checkAttributes(element, {
    implemented: ['maximumRedeliveries', 'initialRedeliveryDelay', 'redeliveryDelay', 'useExponentialBackOff', 'backOffMultiplier', 'maximumRedeliveryDelay'],
    unimplemented: [...REDELIVERY_POLICY_UNIMPLEMENTED, 'queue', 'topic', 'tempQueue', 'tempTopic'],
  });
  reader.readChildren(element, {});
  const policy: Partial<RedeliveryPolicy> = {};
  const maximumRedeliveries = reader.integer(element, 'maximumRedeliveries', -1);
  if (maximumRedeliveries !== undefined) policy.maximumRedeliveries = maximumRedeliveries;
  const initialRedeliveryDelay = reader.integer(element, 'initialRedeliveryDelay', 0);
  if (initialRedeliveryDelay !== undefined) policy.initialRedeliveryDelay = initialRedeliveryDelay;
  const redeliveryDelay = reader.integer(element, 'redeliveryDelay', 0);
  if (redeliveryDelay !== undefined) policy.redeliveryDelay = redeliveryDelay;
  const useExponentialBackOff = reader.bool(element, 'useExponentialBackOff');
  if (useExponentialBackOff !== undefined) policy.useExponentialBackOff = useExponentialBackOff;
  const backOffMultiplier = reader.decimal(element, 'backOffMultiplier', 1);
  if (backOffMultiplier !== undefined) policy.backOffMultiplier = backOffMultiplier;
  const maximumRedeliveryDelay = reader.integer(element, 'maximumRedeliveryDelay', -1);
  if (maximumRedeliveryDelay !== undefined) policy.maximumRedeliveryDelay = maximumRedeliveryDelay;
  return policy;
}
