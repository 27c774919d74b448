import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { encodeFrame } from '@tsmq/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { firstFrameOverTls } from '../helpers/tls-client.js';
import { brokerXml, startXmlBroker } from './xml-broker.js';

const connectors = (uris: string) =>
  brokerXml(`<transportConnectors>${uris}</transportConnectors>`, 'persistent="false"');

describe('connector URI options through activemq.xml', () => {
  it('ActiveMQ maximumConnections: the connection beyond the limit gets ERROR MAX_CONNECTIONS and is closed', async () => {
    const b = await startXmlBroker(connectors('<transportConnector name="stomp" uri="stomp://127.0.0.1:0?maximumConnections=2"/>'));
    try {
      await b.client();
      await b.client();
      const third = await b.raw();
      const error = await third.next('ERROR');
      expect(error.headers.code).toBe('MAX_CONNECTIONS');
      await third.waitClosed();
    } finally {
      await b.stop();
    }
  });

  it('STOMP 1.2 §Size Limits: a frame above wireFormat.maxFrameSize gets ERROR FRAME_TOO_LARGE and is closed; smaller frames pass', async () => {
    const b = await startXmlBroker(connectors('<transportConnector name="stomp" uri="stomp://127.0.0.1:0?wireFormat.maxFrameSize=1 kb"/>'));
    try {
      const c = await b.client();
      c.send('SEND', { destination: '/queue/small', receipt: 'small' }, 'x'.repeat(500));
      expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('small');
      c.send('SEND', { destination: '/queue/big' }, 'x'.repeat(2000));
      expect((await c.next('ERROR')).headers.code).toBe('FRAME_TOO_LARGE');
      await c.waitClosed();
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ transport.defaultHeartBeat: a client that sends no heart-beat header is held to it, and disconnected when silent', async () => {
    const b = await startXmlBroker(connectors('<transportConnector name="stomp" uri="stomp://127.0.0.1:0?transport.defaultHeartBeat=200,0"/>'));
    try {
      const c = await b.raw();
      c.send('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
      const connected = await c.next('CONNECTED');
      // The broker wants a beat every 200 ms from the client, as if it had sent heart-beat:200,0.
      expect(connected.headers['heart-beat']).toBe('0,200');
      await c.waitClosed(5_000);
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ transport.hbGracePeriodMultiplier: a client late by less than the multiplier times its interval stays connected', async () => {
    const b = await startXmlBroker(
      connectors('<transportConnector name="stomp" uri="stomp://127.0.0.1:0?transport.hbGracePeriodMultiplier=20"/>'),
    );
    try {
      const c = await b.client({ 'heart-beat': '50,0' });
      // Each gap is several times the 50 ms interval (beyond the default 1.5), within 20 times it.
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        c.sendRaw('\n');
      }
      c.send('SEND', { destination: '/queue/alive', receipt: 'alive' }, 'x');
      expect((await c.next('RECEIPT')).headers['receipt-id']).toBe('alive');
    } finally {
      await b.stop();
    }
  });
});

// ---- TLS ---------------------------------------------------------------------------------------

let certDir: string;
let caCert: Buffer;
let clientKey: Buffer;
let clientCert: Buffer;
let strangerKey: Buffer;
let strangerCert: Buffer;

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('openssl', args, { cwd: certDir, timeout: 30_000 }, (error, _out, stderr) =>
      error ? reject(new Error(`openssl ${args[0]}: ${stderr}`)) : resolve(),
    ),
  );
}

/** A key and a certificate signed by the CA in `certDir` (ca.key, ca.pem). */
async function issue(name: string, subject: string, extensions?: string): Promise<void> {
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const args = ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1'];
  if (extensions) {
    await writeFile(path.join(certDir, `${name}.ext`), extensions);
    args.push('-extfile', `${name}.ext`);
  }
  await openssl(args);
}

beforeAll(async () => {
  certDir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-config-tls-'));
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=tsmq test CA', '-days', '1']);
  await issue('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await issue('client', '/CN=alice');
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'stranger.key', '-out', 'stranger.pem', '-subj', '/CN=stranger', '-days', '1']);
  // ActiveMQ's keyStore as one PEM file with key and certificate, and as PKCS#12 with a password.
  const serverPem = Buffer.concat([await readFile(path.join(certDir, 'server.key')), await readFile(path.join(certDir, 'server.pem'))]);
  await writeFile(path.join(certDir, 'broker.pem'), serverPem);
  await openssl(['pkcs12', '-export', '-inkey', 'server.key', '-in', 'server.pem', '-out', 'broker.p12', '-passout', 'pass:changeit']);
  caCert = await readFile(path.join(certDir, 'ca.pem'));
  clientKey = await readFile(path.join(certDir, 'client.key'));
  clientCert = await readFile(path.join(certDir, 'client.pem'));
  strangerKey = await readFile(path.join(certDir, 'stranger.key'));
  strangerCert = await readFile(path.join(certDir, 'stranger.pem'));
}, 60_000);

afterAll(async () => {
  await rm(certDir, { recursive: true, force: true });
});

/** The first frame answering a CONNECT over TLS, trusting the test CA and checking the name `localhost`. */
const connectOverTls = (port: number, options: tls.ConnectionOptions = {}) => firstFrameOverTls(port, { ca: caCert, servername: 'localhost', ...options });

const sslContext = (attributes: string) => `<sslContext><sslContext ${attributes}/></sslContext>`;

describe('TLS connectors through activemq.xml', () => {
  it('stomp+ssl with a PEM keyStore: STOMP over TLS, the server certificate verified against its CA', async () => {
    const xml = brokerXml(
      `${sslContext(`keyStore="${path.join(certDir, 'broker.pem')}"`)}
       <transportConnectors><transportConnector name="ssl" uri="stomp+ssl://127.0.0.1:0"/></transportConnectors>`,
      'persistent="false"',
    );
    const b = await startXmlBroker(xml);
    try {
      expect((await connectOverTls(b.port())).command).toBe('CONNECTED');
    } finally {
      await b.stop();
    }
  });

  it('stomp+ssl with a PKCS#12 keyStore and keyStorePassword', async () => {
    const xml = brokerXml(
      `${sslContext(`keyStore="${path.join(certDir, 'broker.p12')}" keyStorePassword="\${ks.password}"`)}
       <transportConnectors><transportConnector name="ssl" uri="stomp+nio+ssl://127.0.0.1:0"/></transportConnectors>`,
      'persistent="false"',
    );
    const b = await startXmlBroker(xml, { properties: { 'ks.password': 'changeit' } });
    try {
      expect((await connectOverTls(b.port())).command).toBe('CONNECTED');
    } finally {
      await b.stop();
    }
  });

  it('ActiveMQ needClientAuth=true: a client certificate signed by the trustStore CA is let in; none, or a self-signed one, is refused', async () => {
    const xml = brokerXml(
      `${sslContext(`keyStore="${path.join(certDir, 'broker.pem')}" trustStore="${path.join(certDir, 'ca.pem')}"`)}
       <transportConnectors>
         <transportConnector name="ssl" uri="stomp+ssl://127.0.0.1:0?needClientAuth=true"/>
         <transportConnector name="wss" uri="wss://127.0.0.1:0?needClientAuth=true"/>
       </transportConnectors>`,
      'persistent="false"',
    );
    const b = await startXmlBroker(xml);
    try {
      const port = b.port('ssl');
      expect((await connectOverTls(port, { key: clientKey, cert: clientCert })).command).toBe('CONNECTED');
      await expect(connectOverTls(port)).rejects.toThrow();
      await expect(connectOverTls(port, { key: strangerKey, cert: strangerCert })).rejects.toThrow();

      const wssUrl = `wss://localhost:${b.port('wss')}`;
      const viaWss = (options: { key?: Buffer; cert?: Buffer }) =>
        new Promise<string>((resolve, reject) => {
          const ws = new WebSocket(wssUrl, ['v12.stomp'], { ca: caCert, ...options });
          const timer = setTimeout(() => reject(new Error('timeout')), 5_000);
          ws.on('open', () => ws.send(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost' }, undefined, { version: '1.2' })));
          ws.on('message', (data: Buffer) => {
            clearTimeout(timer);
            ws.close();
            resolve(data.toString('utf8').split('\n')[0]!);
          });
          ws.on('error', (e) => {
            clearTimeout(timer);
            reject(e);
          });
        });
      expect(await viaWss({ key: clientKey, cert: clientCert })).toBe('CONNECTED');
      await expect(viaWss({})).rejects.toThrow();
    } finally {
      await b.stop();
    }
  });
});
