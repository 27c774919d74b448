import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { encodeFrame, FrameParser, type StompFrame } from '@tsmq/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Broker, silentLogger } from '../src/index.js';
import { firstFrameOverTls } from './helpers/tls-client.js';

let dir: string;
let keyFile: string;
let certFile: string;
let cert: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tsmq-tls-'));
  keyFile = path.join(dir, 'key.pem');
  certFile = path.join(dir, 'cert.pem');
  await new Promise<void>((resolve, reject) =>
    execFile(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { timeout: 30_000 },
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  cert = await readFile(certFile);
}, 40_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The first frame answering a CONNECT over TLS, trusting the broker's self-signed certificate. */
const connectOverTls = (port: number, options: tls.ConnectionOptions = {}) => firstFrameOverTls(port, { ca: cert, ...options });

describe('TLS connectors', () => {
  it('stomp+ssl: STOMP over TLS with a PEM key and certificate', async () => {
    const broker = new Broker({
      transportConnectors: [{ protocol: 'stomp+ssl', host: '127.0.0.1', port: 0, tls: { keyFile, certFile } }],
      persistent: false,
      statusLogInterval: 0,
      logger: silentLogger,
    });
    await broker.start();
    try {
      const f = await connectOverTls(broker.addresses()[0]!.port);
      expect(f.command).toBe('CONNECTED');
      expect(f.headers.version).toBe('1.2');
    } finally {
      await broker.stop();
    }
  });

  it('stomp+ssl with needClientAuth: a client without a certificate is refused at the handshake', async () => {
    const broker = new Broker({
      transportConnectors: [
        { protocol: 'stomp+ssl', host: '127.0.0.1', port: 0, needClientAuth: true, tls: { keyFile, certFile, caFile: certFile } },
      ],
      persistent: false,
      statusLogInterval: 0,
      logger: silentLogger,
    });
    await broker.start();
    try {
      await expect(connectOverTls(broker.addresses()[0]!.port)).rejects.toThrow();
      // The same self-signed certificate is a trusted client certificate here.
      const key = await readFile(keyFile);
      const f = await connectOverTls(broker.addresses()[0]!.port, { key, cert });
      expect(f.command).toBe('CONNECTED');
    } finally {
      await broker.stop();
    }
  });

  it('wss: STOMP over secure WebSocket', async () => {
    const broker = new Broker({
      transportConnectors: [{ protocol: 'wss', host: '127.0.0.1', port: 0, tls: { keyFile, certFile } }],
      persistent: false,
      statusLogInterval: 0,
      logger: silentLogger,
    });
    await broker.start();
    try {
      const ws = new WebSocket(`wss://127.0.0.1:${broker.addresses()[0]!.port}/`, ['v12.stomp'], { ca: cert });
      const frame = await new Promise<StompFrame>((resolve, reject) => {
        const parser = new FrameParser(resolve);
        ws.on('open', () => ws.send(encodeFrame('CONNECT', { 'accept-version': '1.2', host: 'localhost' }, undefined, { version: '1.2' })));
        ws.on('message', (d: Buffer) => parser.push(d));
        ws.on('error', reject);
      });
      expect(ws.protocol).toBe('v12.stomp');
      expect(frame.command).toBe('CONNECTED');
      ws.terminate();
    } finally {
      await broker.stop();
    }
  });

  it('a TLS connector without key and certificate fails to start with BROKER_START_FAILED', async () => {
    const broker = new Broker({
      transportConnectors: [{ protocol: 'stomp+ssl', host: '127.0.0.1', port: 0 }],
      persistent: false,
      logger: silentLogger,
    });
    await expect(broker.start()).rejects.toMatchObject({ code: 'BROKER_START_FAILED' });
  });
});
