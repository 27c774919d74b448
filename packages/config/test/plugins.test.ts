import { describe, expect, it } from 'vitest';
import { brokerXml, load, loadError, warningsAbout } from './helpers.js';

const plugins = (body: string): string => brokerXml(`<plugins>${body}</plugins>`);

describe('<plugins>', () => {
  it('simpleAuthenticationPlugin: users, trimmed groups and anonymous access', () => {
    const { config } = load(
      plugins(
        '<simpleAuthenticationPlugin anonymousAccessAllowed="TRUE" anonymousUser="anon" anonymousGroup="visitors"><users>' +
          '<authenticationUser username="admin" password="pw" groups="admins, users"/>' +
          '<authenticationUser username="app" password="${app.password}" groups=""/>' +
          '</users></simpleAuthenticationPlugin>',
      ),
      { properties: { 'app.password': 's3cret' } },
    );
    expect(config.authentication).toEqual({
      users: [
        { username: 'admin', password: 'pw', groups: ['admins', 'users'] },
        { username: 'app', password: 's3cret', groups: [] },
      ],
      anonymousAccessAllowed: true,
      anonymousUser: 'anon',
      anonymousGroup: 'visitors',
    });
  });

  it('no security plugin leaves authentication and authorization absent (any login accepted)', () => {
    const { config } = load(brokerXml(''));
    expect(config.authentication).toBeUndefined();
    expect(config.authorization).toBeUndefined();
  });

  it('a user defined twice is refused', () => {
    loadError(
      plugins('<simpleAuthenticationPlugin><users><authenticationUser username="a" password="1"/><authenticationUser username="a" password="2"/></users></simpleAuthenticationPlugin>'),
      'CONFIG_BAD_VALUE',
    );
  });

  it('authorizationPlugin: entries in order and the temporary destination entry', () => {
    const { config } = load(
      plugins(
        '<authorizationPlugin><map><authorizationMap><authorizationEntries>' +
          '<authorizationEntry queue="&gt;" read="admins" write="admins" admin="admins"/>' +
          '<authorizationEntry topic="ActiveMQ.Advisory.>" read="users,admins" write="admins"/>' +
          '</authorizationEntries>' +
          '<tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry read="tempDestinationAdmins" write="tempDestinationAdmins" admin="tempDestinationAdmins"/></tempDestinationAuthorizationEntry>' +
          '</authorizationMap></map></authorizationPlugin>',
      ),
    );
    expect(config.authorization).toEqual({
      entries: [
        { queue: '>', read: ['admins'], write: ['admins'], admin: ['admins'] },
        { topic: 'ActiveMQ.Advisory.>', read: ['users', 'admins'], write: ['admins'], admin: [] },
      ],
      tempDestination: { read: ['tempDestinationAdmins'], write: ['tempDestinationAdmins'], admin: ['tempDestinationAdmins'] },
    });
  });

  it('an authorizationEntry without a destination is CONFIG_BAD_VALUE', () => {
    loadError(
      plugins('<authorizationPlugin><map><authorizationMap><authorizationEntries><authorizationEntry read="a"/></authorizationEntries></authorizationMap></map></authorizationPlugin>'),
      'CONFIG_BAD_VALUE',
    );
  });

  it('redeliveryPlugin: ActiveMQ\'s redeliveryPolicyMap default entry becomes the broker redelivery policy', () => {
    const loaded = load(
      plugins(
        '<redeliveryPlugin fallbackToDeadLetter="true" sendToDlqIfMaxRetriesExceeded="true"><redeliveryPolicyMap><redeliveryPolicyMap>' +
          '<redeliveryPolicyEntries><redeliveryPolicy queue="SPECIAL" maximumRedeliveries="1"/></redeliveryPolicyEntries>' +
          '<defaultEntry><redeliveryPolicy maximumRedeliveries="4" initialRedeliveryDelay="5000" redeliveryDelay="10000" useExponentialBackOff="true" backOffMultiplier="2.5" maximumRedeliveryDelay="60000"/></defaultEntry>' +
          '</redeliveryPolicyMap></redeliveryPolicyMap></redeliveryPlugin>',
      ),
    );
    expect(loaded.config.redeliveryPolicy).toEqual({
      maximumRedeliveries: 4,
      initialRedeliveryDelay: 5000,
      redeliveryDelay: 10000,
      useExponentialBackOff: true,
      backOffMultiplier: 2.5,
      maximumRedeliveryDelay: 60000,
    });
    expect(warningsAbout(loaded, 'per-destination redelivery policies are not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, 'fallbackToDeadLetter')).toHaveLength(1);
  });

  it('redeliveryPlugin: a bare <redeliveryPolicy> child is accepted; unset values keep their defaults', () => {
    const { config } = load(plugins('<redeliveryPlugin><redeliveryPolicy maximumRedeliveries="-1"/></redeliveryPlugin>'));
    expect(config.redeliveryPolicy).toMatchObject({ maximumRedeliveries: -1, backOffMultiplier: 5, initialRedeliveryDelay: 0 });
  });

  it('other plugins are warnings, misspelt ones errors', () => {
    const loaded = load(plugins('<jaasAuthenticationPlugin configuration="activemq"/><statisticsBrokerPlugin/>'));
    expect(warningsAbout(loaded, '<jaasAuthenticationPlugin>: not implemented')).toHaveLength(1);
    expect(warningsAbout(loaded, '<statisticsBrokerPlugin>: not implemented')).toHaveLength(1);
    loadError(plugins('<simpleAuthenticationPlugn/>'), 'CONFIG_UNKNOWN_ELEMENT');
  });
});
