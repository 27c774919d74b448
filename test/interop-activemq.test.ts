import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BytesMessage,
  ConnectionFactory,
  MapMessage,
  ObjectMessage,
  Session,
  StreamMessage,
  TextMessage,
  type Connection,
  type Message,
} from '@tsmq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './helpers/run-command.js';

/**
 * The same client against Apache ActiveMQ 5.17 (the broker our users come from): two tsmq clients
 * through ActiveMQ's STOMP connector, and a tsmq client talking to a plain JMS program on ActiveMQ's
 * own OpenWire client. ActiveMQ is started from the shared peers script on free loopback ports with
 * a fresh base directory, so its KahaDB starts empty and a concurrent ActiveMQ cannot interfere.
 */

const ACTIVEMQ_HOME = '/usr/share/activemq';
const ACTIVEMQ_LIB = join(ACTIVEMQ_HOME, 'lib');
const START_SCRIPT = fileURLToPath(new URL('../../shared/peers/activemq/start.sh', import.meta.url));
const JAVA_SOURCE = fileURLToPath(new URL('./interop/java/JmsReplier.java', import.meta.url));
// ActiveMQ's own distribution ships XStream and Jettison in lib/optional; Debian's package only
// recommends them (libxstream-java, libjettison-java) and leaves them off the broker's class path.
// Without them ActiveMQ cannot apply jms-map-json (MapMessage over STOMP).
const TRANSFORMATION_JARS = ['/usr/share/java/xstream.jar', '/usr/share/java/jettison.jar'];

// CI installs ActiveMQ and a JDK, so there a missing install fails the run instead of skipping it.
const installed = existsSync(join(ACTIVEMQ_HOME, 'bin', 'activemq.jar'));
const runIt = installed || Boolean(process.env.CI);

interface ActiveMq {
  base: string;
  stompUrl: string;
  openwireUrl: string;
  stop(): Promise<void>;
}

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startActiveMq(): Promise<ActiveMq> {
  const missing = TRANSFORMATION_JARS.filter((jar) => !existsSync(jar));
  if (missing.length > 0) {
    throw new Error(`ActiveMQ needs ${missing.join(', ')} for MapMessages over STOMP: apt-get install libxstream-java libjettison-java`);
  }
  const base = await mkdtemp(join(tmpdir(), 'tsmq-activemq-'));
  await mkdir(join(base, 'lib'));
  // ActiveMQ adds BASE/lib to its class path.
  for (const jar of TRANSFORMATION_JARS) await symlink(jar, join(base, 'lib', jar.split('/').pop()!));
  const stompPort = await freePort();
  const openwirePort = await freePort();
  try {
    await runCommand('bash', [START_SCRIPT, base], {
      env: { ...process.env, ACTIVEMQ_STOMP_PORT: String(stompPort), ACTIVEMQ_OPENWIRE_PORT: String(openwirePort) },
      timeout: 60_000,
    });
  } catch (e) {
    // The script records the broker's pid before waiting for the port: stop what it started.
    const pid = Number(await readFile(join(base, 'pid'), 'utf8').catch(() => '0'));
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(base, { recursive: true, force: true });
    throw e;
  }
  const pid = Number((await readFile(join(base, 'pid'), 'utf8')).trim());
  return {
    base,
    stompUrl: `tcp://127.0.0.1:${stompPort}`,
    openwireUrl: `tcp://127.0.0.1:${openwirePort}`,
    async stop() {
      if (pid > 0 && alive(pid)) {
        process.kill(pid, 'SIGTERM');
        const deadline = Date.now() + 20_000;
        while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Heart-beats off: the tests need no timers, and ActiveMQ would otherwise negotiate its own. */
function factory(url: string): ConnectionFactory {
  return new ConnectionFactory(url, { heartBeat: { outgoing: 0, incoming: 0 } });
}

/** Runs the Java JMS program, bounded; resolves with its stdout lines. */
function runJava(classDir: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-cp', `${classDir}:${ACTIVEMQ_LIB}/*`, 'JmsReplier', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`JmsReplier exited ${code}:\n${out}${err}`));
      else resolve(out.trim().split('\n'));
    });
  });
}

describe.skipIf(!runIt)('interop: Apache ActiveMQ 5.17', () => {
  let amq: ActiveMq;
  const connections: Connection[] = [];

  async function connect(clientId?: string): Promise<Connection> {
    const c = await factory(amq.stompUrl).createConnection('admin', 'admin');
    if (clientId !== undefined) c.setClientID(clientId);
    connections.push(c);
    return c;
  }

  beforeAll(async () => {
    amq = await startActiveMq();
  }, 120_000);
  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => undefined);
    await amq?.stop();
  }, 60_000);

  describe('between two tsmq clients over STOMP', () => {
    it('ActiveMQ STOMP: Text, Bytes and Map messages keep their bodies, entry types and typed properties', async () => {
      const producerConnection = await connect();
      const consumerConnection = await connect();
      const ps = await producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const cs = await consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const queue = ps.createQueue('interop.bodies');
      const consumer = await cs.createConsumer(cs.createQueue('interop.bodies'));
      await consumerConnection.start();
      const producer = ps.createProducer(queue);

      const text = ps.createTextMessage('héllo ✓ with a NUL \u0000 inside');
      text.setLongProperty('orderId', 9007199254740993n);
      text.setDoubleProperty('ratio', 0.1);
      text.setBooleanProperty('rush', true);
      await producer.send(text);

      const bytes = ps.createBytesMessage();
      bytes.writeInt(-2);
      bytes.writeLong(9007199254740993n);
      bytes.writeUTF('ünïcode');
      bytes.writeBytes(new Uint8Array([0, 255]));
      await producer.send(bytes);

      const map = ps.createMapMessage();
      map.setString('name', 'Dejan');
      map.setString('zip', '007');
      map.setInt('age', 36);
      map.setLong('big', 9007199254740993n);
      map.setDouble('ratio', 0.25);
      map.setFloat('f', 0.1);
      map.setBoolean('ok', true);
      map.setChar('initial', 'D');
      map.setShort('s', -3);
      await producer.send(map);

      const t = (await consumer.receive(10_000)) as Message;
      expect(t).toBeInstanceOf(TextMessage);
      expect((t as TextMessage).getText()).toBe('héllo ✓ with a NUL \u0000 inside');
      expect(t.getLongProperty('orderId')).toBe(9007199254740993n);
      expect(t.getPropertyType('orderId')).toBe('long');
      expect(t.getDoubleProperty('ratio')).toBe(0.1);
      expect(t.getBooleanProperty('rush')).toBe(true);

      const b = (await consumer.receive(10_000)) as Message;
      expect(b).toBeInstanceOf(BytesMessage);
      const br = b as BytesMessage;
      expect(br.readInt()).toBe(-2);
      expect(br.readLong()).toBe(9007199254740993n);
      expect(br.readUTF()).toBe('ünïcode');
      const tail = new Uint8Array(2);
      expect(br.readBytes(tail)).toBe(2);
      expect([...tail]).toEqual([0, 255]);

      const m = (await consumer.receive(10_000)) as Message;
      expect(m).toBeInstanceOf(MapMessage);
      const mm = m as MapMessage;
      expect(mm.getString('name')).toBe('Dejan');
      expect(mm.getString('zip')).toBe('007');
      expect(mm.getInt('age')).toBe(36);
      expect(mm.getLong('big')).toBe(9007199254740993n);
      expect(mm.getDouble('ratio')).toBe(0.25);
      expect(mm.getFloat('f')).toBe(Math.fround(0.1));
      expect(mm.getBoolean('ok')).toBe(true);
      expect(mm.getChar('initial')).toBe('D');
      expect(mm.getShort('s')).toBe(-3);
      expect(
        Object.fromEntries([...mm.getMapNames()].sort().map((n) => [n, mm.getType(n)])),
      ).toEqual({ age: 'int', big: 'long', f: 'float', initial: 'char', name: 'string', ok: 'boolean', ratio: 'double', s: 'short', zip: 'string' });
    });

    it('ActiveMQ STOMP: Stream and Object messages and byte[] map entries, which ActiveMQ has no STOMP form for, still reach a tsmq client intact', async () => {
      const connection = await connect();
      const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const queue = session.createQueue('interop.no-stomp-form');
      const consumer = await session.createConsumer(queue);
      await connection.start();
      const producer = session.createProducer(queue);

      const stream = session.createStreamMessage();
      stream.writeInt(5);
      stream.writeString('x');
      stream.writeLong(-9223372036854775808n);
      await producer.send(stream);
      await producer.send(session.createObjectMessage({ sku: 'A-1', qty: 2 }));
      const map = session.createMapMessage();
      map.setBytes('raw', new Uint8Array([0, 1, 255]));
      map.setInt('n', 1);
      await producer.send(map);

      const s = (await consumer.receive(10_000)) as StreamMessage;
      expect(s).toBeInstanceOf(StreamMessage);
      expect([s.readInt(), s.readString(), s.readLong()]).toEqual([5, 'x', -9223372036854775808n]);
      const o = (await consumer.receive(10_000)) as ObjectMessage;
      expect(o).toBeInstanceOf(ObjectMessage);
      expect(o.getObject()).toEqual({ sku: 'A-1', qty: 2 });
      const m = (await consumer.receive(10_000)) as MapMessage;
      expect(m).toBeInstanceOf(MapMessage);
      expect([...m.getBytes('raw')!]).toEqual([0, 1, 255]);
      expect(m.getInt('n')).toBe(1);
    });

    it('JMS 2.0 §6.2.7: a rolled-back send is never delivered, a rolled-back receive comes back redelivered, commit makes both final', async () => {
      const connection = await connect();
      const tx = await connection.createSession(true, Session.SESSION_TRANSACTED);
      const plain = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const queue = tx.createQueue('interop.tx');
      const producer = tx.createProducer(queue);
      const consumer = await tx.createConsumer(queue);
      await connection.start();

      await producer.send(tx.createTextMessage('rolled back'));
      await tx.rollback();
      await producer.send(tx.createTextMessage('committed'));
      await tx.commit();

      const first = (await consumer.receive(10_000)) as TextMessage;
      expect(first.getText()).toBe('committed');
      expect(first.getJMSRedelivered()).toBe(false);
      await tx.rollback();
      const again = (await consumer.receive(10_000)) as TextMessage;
      expect(again.getText()).toBe('committed');
      expect(again.getJMSRedelivered()).toBe(true);
      await tx.commit();

      // Whatever comes next after the commit must be the marker: neither message is left on the queue.
      await plain.createProducer(plain.createQueue('interop.tx')).send(plain.createTextMessage('marker'));
      const next = (await consumer.receive(10_000)) as TextMessage;
      expect(next.getText()).toBe('marker');
      await tx.commit();
    });

    it('JMS 2.0 §6.3: a durable subscriber gets what was published while it was offline, in order', async () => {
      const first = await connect('interop-durable');
      const s1 = await first.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const topic = s1.createTopic('interop.prices');
      const online = await s1.createDurableSubscriber(topic, 'price-feed');
      await first.start();
      const publisherConnection = await connect();
      const ps = await publisherConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const publisher = ps.createProducer(ps.createTopic('interop.prices'));
      await publisher.send(ps.createTextMessage('while online'));
      expect(((await online.receive(10_000)) as TextMessage).getText()).toBe('while online');
      await first.close();

      await publisher.send(ps.createTextMessage('offline 1'));
      await publisher.send(ps.createTextMessage('offline 2'));

      const second = await connect('interop-durable');
      const s2 = await second.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const back = await s2.createDurableSubscriber(s2.createTopic('interop.prices'), 'price-feed');
      await second.start();
      expect(((await back.receive(10_000)) as TextMessage).getText()).toBe('offline 1');
      expect(((await back.receive(10_000)) as TextMessage).getText()).toBe('offline 2');
      await back.close();
      await s2.unsubscribe('price-feed');
    });

    it('JMS 2.0 §3.8: ActiveMQ applies a selector to our typed properties (numeric and string comparisons)', async () => {
      const connection = await connect();
      const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const queue = session.createQueue('interop.selector');
      const heavyEu = await session.createConsumer(queue, "weight > 10 AND region = 'EU'");
      const rest = await session.createConsumer(queue, "weight <= 10 OR region <> 'EU'");
      await connection.start();
      const producer = session.createProducer(queue);
      for (const [weight, region, label] of [
        [5, 'EU', 'light eu'],
        [12, 'US', 'heavy us'],
        [12, 'EU', 'heavy eu'],
        [100, 'EU', 'very heavy eu'],
      ] as const) {
        const m = session.createTextMessage(label);
        m.setIntProperty('weight', weight);
        m.setStringProperty('region', region);
        await producer.send(m);
      }
      const got: string[] = [];
      for (let i = 0; i < 2; i++) got.push(((await heavyEu.receive(10_000)) as TextMessage).getText()!);
      expect(got).toEqual(['heavy eu', 'very heavy eu']);
      const others: string[] = [];
      for (let i = 0; i < 2; i++) others.push(((await rest.receive(10_000)) as TextMessage).getText()!);
      expect(others).toEqual(['light eu', 'heavy us']);
    });
  });

  describe('with a Java JMS program on ActiveMQ\'s OpenWire client', () => {
    let classes: string;
    beforeAll(async () => {
      classes = await mkdtemp(join(tmpdir(), 'tsmq-java-'));
      await runCommand('javac', ['-encoding', 'UTF-8', '-cp', `${ACTIVEMQ_LIB}/*`, '-d', classes, JAVA_SOURCE], { timeout: 60_000 });
    }, 90_000);
    afterAll(async () => {
      if (classes) await rm(classes, { recursive: true, force: true });
    });

    it('ActiveMQ STOMP: Java receives our Text, Map and Bytes messages as javax.jms types, and its replies to JMSReplyTo come back typed', async () => {
      const connection = await connect();
      const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const replyQueue = await session.createTemporaryQueue();
      const replies = await session.createConsumer(replyQueue);
      await connection.start();
      const producer = session.createProducer(session.createQueue('interop.java.in'));

      const text = session.createTextMessage('hello Java ✓');
      text.setLongProperty('orderId', 9007199254740993n);
      text.setStringProperty('region', 'EU');
      const map = session.createMapMessage();
      map.setString('name', 'Dejan');
      map.setInt('age', 36);
      map.setLong('big', 9007199254740993n);
      map.setDouble('ratio', 0.5);
      map.setFloat('f', 0.1);
      map.setBoolean('ok', true);
      map.setChar('initial', 'D');
      map.setShort('s', -3);
      map.setByte('b', 7);
      const bytes = session.createBytesMessage();
      bytes.writeInt(-2);
      bytes.writeLong(9007199254740993n);
      bytes.writeDouble(1.5);
      bytes.writeUTF('ünïcode');
      for (const [m, id] of [
        [text, 'text-1'],
        [map, 'map-1'],
        [bytes, 'bytes-1'],
      ] as const) {
        m.setJMSCorrelationID(id);
        m.setJMSReplyTo(replyQueue);
        await producer.send(m);
      }

      const lines = await runJava(classes, [amq.openwireUrl, 'interop.java.in', '3']);
      // ActiveMQ hands every STOMP header it has no JMS field for to Java as a String property,
      // ours (jms-prop-types, amq-msg-type, transformation) and content-length included.
      expect(lines).toEqual([
        'TextMessage text=hello Java ✓ | correlation=text-1 replyTo=set property:amq-msg-type=String:text property:content-length=String:14' +
          ' property:jms-prop-types=String:orderId=long property:orderId=String:9007199254740993 property:region=String:EU',
        'MapMessage age=Integer:36 b=Byte:7 big=Long:9007199254740993 f=Float:0.1 initial=Character:D name=String:Dejan ok=Boolean:true' +
          ' ratio=Double:0.5 s=Short:-3 | correlation=map-1 replyTo=set property:transformation=String:jms-map-json',
        'BytesMessage length=31 int=-2 long=9007199254740993 double=1.5 utf=ünïcode | correlation=bytes-1 replyTo=set' +
          ' property:amq-msg-type=String:bytes property:content-length=String:31',
        'DONE',
      ]);

      const byCorrelation = new Map<string, Message>();
      for (let i = 0; i < 3; i++) {
        const r = (await replies.receive(10_000)) as Message;
        byCorrelation.set(r.getJMSCorrelationID()!, r);
      }
      const textReply = byCorrelation.get('text-1') as TextMessage;
      expect(textReply).toBeInstanceOf(TextMessage);
      expect(textReply.getText()).toBe('Java read: hello Java ✓');
      // ActiveMQ's STOMP side sends every property as a header string; JMS conversion reads it back as long.
      expect(textReply.getLongProperty('big')).toBe(9007199254740993n);
      expect(textReply.getIntProperty('n')).toBe(5);
      expect(textReply.getStringProperty('answeredBy')).toBe('java');

      const mapReply = byCorrelation.get('map-1') as MapMessage;
      expect(mapReply).toBeInstanceOf(MapMessage);
      expect(mapReply.getString('from')).toBe('java');
      expect(mapReply.getInt('count')).toBe(42);
      expect(mapReply.getType('count')).toBe('int');
      expect(mapReply.getLong('big')).toBe(9007199254740993n);
      expect(mapReply.getType('big')).toBe('long');
      expect(mapReply.getDouble('ratio')).toBe(0.25);
      expect(mapReply.getBoolean('ok')).toBe(true);
      expect([...mapReply.getBytes('raw')!]).toEqual([0, 1, 2, 255]);
      expect(mapReply.getString('zip')).toBe('007');

      const bytesReply = byCorrelation.get('bytes-1') as BytesMessage;
      expect(bytesReply).toBeInstanceOf(BytesMessage);
      expect(bytesReply.readInt()).toBe(-7);
      expect(bytesReply.readLong()).toBe(-9223372036854775808n);
      expect(bytesReply.readUTF()).toBe('из Java');
    }, 60_000);

    it('ActiveMQ STOMP: what Java sees of the kinds ActiveMQ has no STOMP form for (Stream, Object, byte[] map entry, body-less Message)', async () => {
      const connection = await connect();
      const session = await connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      const producer = session.createProducer(session.createQueue('interop.java.extras'));
      const stream = session.createStreamMessage();
      stream.writeInt(5);
      stream.writeString('x');
      await producer.send(stream);
      await producer.send(session.createObjectMessage({ sku: 'A-1' }));
      const map = session.createMapMessage();
      map.setBytes('raw', new Uint8Array([0, 1, 255]));
      await producer.send(map);
      await producer.send(session.createMessage());

      const lines = await runJava(classes, [amq.openwireUrl, 'interop.java.extras', '4']);
      expect(lines).toEqual([
        'TextMessage text=[["int",5],["string","x"]] | correlation=null replyTo=none property:amq-msg-type=String:text' +
          ' property:content-length=String:26 property:tsmq-msg-type=String:stream',
        'BytesMessage length=13 utf8={"sku":"A-1"} | correlation=null replyTo=none property:transformation=String:jms-object-json',
        // ActiveMQ's XStream refuses byte[] when it reads a map, so the whole map stays JSON text.
        'TextMessage text={"map":{"entry":[{"string":"raw","byte-array":"AAH/"}]}} | correlation=null replyTo=none' +
          ' property:transformation=String:jms-map-json property:transformation-error=String:[B',
        'TextMessage text= | correlation=null replyTo=none property:tsmq-msg-type=String:message',
        'DONE',
      ]);
    }, 60_000);
  });
});
