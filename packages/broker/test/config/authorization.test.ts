import { utf8Decode } from '@tsmq/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawStompClient } from '../helpers/raw-client.js';
import { brokerXml, startXmlBroker, type XmlBroker } from './xml-broker.js';

// Groups as in ActiveMQ's activemq-security.xml example, plus entries that grant some operations only.
const SECURITY = `
  <plugins>
    <simpleAuthenticationPlugin anonymousAccessAllowed="true">
      <users>
        <authenticationUser username="admin" password="adminpw" groups="admins,users"/>
        <authenticationUser username="alice" password="alicepw" groups="users"/>
        <authenticationUser username="guest" password="guestpw" groups="guests"/>
      </users>
    </simpleAuthenticationPlugin>
    <authorizationPlugin><map><authorizationMap><authorizationEntries>
      <authorizationEntry queue=">" read="admins" write="admins" admin="admins"/>
      <authorizationEntry queue="USERS.>" read="users" write="users" admin="users"/>
      <authorizationEntry queue="GUEST.>" read="guests" write="guests,users" admin="guests,users"/>
      <authorizationEntry queue="orders" read="users"/>
      <authorizationEntry queue="INBOX.>" read="users" write="users"/>
      <authorizationEntry topic=">" read="admins" write="admins" admin="admins"/>
      <authorizationEntry topic="PRICES.*" read="users"/>
      <authorizationEntry topic="ActiveMQ.Advisory.>" read="guests,users" write="guests,users" admin="guests,users"/>
    </authorizationEntries></authorizationMap></map></authorizationPlugin>
  </plugins>
  <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>`;

let b: XmlBroker;

beforeAll(async () => {
  b = await startXmlBroker(brokerXml(SECURITY, 'persistent="false"'));
});

afterAll(async () => {
  await b.stop();
});

const login = (user: string) => ({ login: user, passcode: `${user}pw` });

/** Sends `command` and expects the ERROR ACCESS_DENIED with `message`, then the connection closed (STOMP 1.2 §ERROR). */
async function expectDenied(c: RawStompClient, command: string, headers: Record<string, string>, message: string): Promise<void> {
  c.send(command, { ...headers, receipt: 'r-denied' });
  const error = await c.next('ERROR');
  expect(error.headers.code).toBe('ACCESS_DENIED');
  expect(error.headers.message).toBe(message);
  expect(error.headers['receipt-id']).toBe('r-denied');
  await c.waitClosed();
}

async function sendWithReceipt(c: RawStompClient, destination: string, body = 'x'): Promise<void> {
  c.send('SEND', { destination, receipt: `s-${destination}` }, body);
  const r = await c.next('RECEIPT');
  expect(r.headers['receipt-id']).toBe(`s-${destination}`);
}

describe('simpleAuthenticationPlugin through activemq.xml', () => {
  it('ActiveMQ simpleAuthenticationPlugin: a wrong passcode gets ERROR AUTHENTICATION_FAILED with ActiveMQ\'s message, then close', async () => {
    const c = await b.raw();
    c.send('CONNECT', { 'accept-version': '1.2', host: 'localhost', login: 'alice', passcode: 'wrong' });
    const error = await c.next('ERROR');
    expect(error.headers.code).toBe('AUTHENTICATION_FAILED');
    expect(error.headers.message).toBe('User name [alice] or password is invalid.');
    await c.waitClosed();
  });

  it('ActiveMQ anonymousAccessAllowed: a CONNECT without login acts as the anonymous user, with the anonymous group only', async () => {
    const c = await b.client();
    await expectDenied(c, 'SEND', { destination: '/queue/USERS.anon' }, 'User anonymous is not authorized to write to: queue://USERS.anon');
  });
});

describe('authorizationPlugin through activemq.xml', () => {
  it('ActiveMQ authorizationEntry write: a user without write on a queue cannot SEND to it', async () => {
    const c = await b.client(login('alice'));
    await expectDenied(c, 'SEND', { destination: '/queue/orders' }, 'User alice is not authorized to write to: queue://orders');
  });

  it('ActiveMQ authorizationEntry read: a user without read cannot SUBSCRIBE nor browse; a user with read can', async () => {
    const admin = await b.client(login('admin'));
    await sendWithReceipt(admin, '/queue/orders', 'order-1');
    const guest = await b.client(login('guest'));
    await expectDenied(guest, 'SUBSCRIBE', { destination: '/queue/orders', id: 's1' }, 'User guest is not authorized to read from: queue://orders');
    const guest2 = await b.client(login('guest'));
    await expectDenied(guest2, 'SUBSCRIBE', { destination: '/queue/orders', id: 'b1', browser: 'true' }, 'User guest is not authorized to read from: queue://orders');
    const alice = await b.client(login('alice'));
    alice.send('SUBSCRIBE', { destination: '/queue/orders', id: 's1' });
    const m = await alice.next('MESSAGE');
    expect(utf8Decode(m.body)).toBe('order-1');
  });

  it('ActiveMQ authorizationEntry admin: creating a destination on first use needs admin; once it exists, write is enough', async () => {
    const alice = await b.client(login('alice'));
    await expectDenied(alice, 'SEND', { destination: '/queue/INBOX.alice' }, 'User alice is not authorized to create: queue://INBOX.alice');
    const admin = await b.client(login('admin'));
    await sendWithReceipt(admin, '/queue/INBOX.alice');
    const alice2 = await b.client(login('alice'));
    await sendWithReceipt(alice2, '/queue/INBOX.alice');
    expect(b.broker.stats().destinations.find((d) => d.destination === '/queue/INBOX.alice')?.enqueued).toBe(2);
  });

  it('ActiveMQ authorization map: the groups of every matching entry add up (">" for admins plus "USERS.>" for users)', async () => {
    const alice = await b.client(login('alice'));
    await sendWithReceipt(alice, '/queue/USERS.alice.tasks');
    const admin = await b.client(login('admin'));
    admin.send('SUBSCRIBE', { destination: '/queue/USERS.alice.tasks', id: 's1' });
    expect((await admin.next('MESSAGE')).headers.destination).toBe('/queue/USERS.alice.tasks');
    const guest = await b.client(login('guest'));
    await expectDenied(guest, 'SEND', { destination: '/queue/USERS.alice.tasks' }, 'User guest is not authorized to write to: queue://USERS.alice.tasks');
  });

  it('ActiveMQ wildcards: "*" matches one name segment only', async () => {
    const admin = await b.client(login('admin'));
    await sendWithReceipt(admin, '/topic/PRICES.eur');
    await sendWithReceipt(admin, '/topic/PRICES.eur.usd');
    const alice = await b.client(login('alice'));
    alice.send('SUBSCRIBE', { destination: '/topic/PRICES.eur', id: 's1', receipt: 'sub' });
    expect((await alice.next('RECEIPT')).headers['receipt-id']).toBe('sub');
    await expectDenied(alice, 'SUBSCRIBE', { destination: '/topic/PRICES.eur.usd', id: 's2' }, 'User alice is not authorized to read from: topic://PRICES.eur.usd');
  });

  it('ActiveMQ authorization map: queue entries do not apply to topics of the same name', async () => {
    const alice = await b.client(login('alice'));
    await expectDenied(alice, 'SEND', { destination: '/topic/USERS.alice' }, 'User alice is not authorized to write to: topic://USERS.alice');
  });

  it('ActiveMQ authorization map: a ActiveMQ.Advisory.> entry grants its groups the advisory topics', async () => {
    const guest = await b.client(login('guest'));
    guest.send('SUBSCRIBE', { destination: '/topic/ActiveMQ.Advisory.Queue', id: 's1', receipt: 'sub' });
    expect((await guest.next('RECEIPT')).headers['receipt-id']).toBe('sub');
  });

  it('ActiveMQ tempDestinationAuthorizationEntry absent: every authenticated user may use temporary destinations', async () => {
    const guest = await b.client(login('guest'));
    guest.send('SUBSCRIBE', { destination: '/temp-queue/replies', id: 's1' });
    guest.send('SEND', { destination: '/temp-queue/replies', receipt: 'sent' }, 'back');
    // The delivery and the RECEIPT may come in either order.
    const frames = [await guest.next(), await guest.next()];
    expect(frames.find((f) => f.command === 'RECEIPT')?.headers['receipt-id']).toBe('sent');
    expect(utf8Decode(frames.find((f) => f.command === 'MESSAGE')!.body)).toBe('back');
  });

  it('ActiveMQ composite destinations: a SEND to "/queue/a,/queue/b" needs write on every part', async () => {
    const alice = await b.client(login('alice'));
    await expectDenied(alice, 'SEND', { destination: '/queue/USERS.ok,/queue/orders' }, 'User alice is not authorized to write to: queue://orders');
    expect(b.broker.stats().destinations.some((d) => d.destination === '/queue/USERS.ok')).toBe(false);
  });

  it('an access denial closes only the offending connection; the others keep working', async () => {
    const alice = await b.client(login('alice'));
    const other = await b.client(login('alice'));
    await expectDenied(alice, 'SEND', { destination: '/queue/orders' }, 'User alice is not authorized to write to: queue://orders');
    await sendWithReceipt(other, '/queue/USERS.still-working');
  });
});

describe('tempDestinationAuthorizationEntry through activemq.xml', () => {
  it('ActiveMQ tempDestinationAuthorizationEntry: only its groups may use temporary destinations', async () => {
    const xml = brokerXml(
      `<plugins>
        <simpleAuthenticationPlugin><users>
          <authenticationUser username="alice" password="alicepw" groups="users"/>
          <authenticationUser username="guest" password="guestpw" groups="guests"/>
        </users></simpleAuthenticationPlugin>
        <authorizationPlugin><map><authorizationMap>
          <authorizationEntries><authorizationEntry queue=">" read="users" write="users" admin="users"/></authorizationEntries>
          <tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry read="users" write="users" admin="users"/></tempDestinationAuthorizationEntry>
        </authorizationMap></map></authorizationPlugin>
      </plugins>
      <transportConnectors><transportConnector name="stomp" uri="stomp://127.0.0.1:0"/></transportConnectors>`,
      'persistent="false"',
    );
    const t = await startXmlBroker(xml);
    try {
      const alice = await t.client(login('alice'));
      await sendWithReceipt(alice, '/temp-queue/a');
      const guest = await t.client(login('guest'));
      await expectDenied(guest, 'SEND', { destination: '/temp-queue/g' }, 'User guest is not authorized to write to: temp-queue://g');
    } finally {
      await t.stop();
    }
  });
});
