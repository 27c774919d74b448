import { Client, type IMessage } from '@stomp/stompjs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './helpers/broker.js';

/** Resolves with the next `count` messages a subscription receives, or rejects after `ms`. */
function collect(messages: IMessage[], count: number, ms = 5000): Promise<IMessage[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (messages.length >= count) {
        clearInterval(poll);
        resolve(messages.slice(0, count));
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`expected ${count} messages, got ${messages.length}`));
      }
    }, 5);
  });
}

function connect(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
      reconnectDelay: 0,
      heartbeatIncoming: 1000,
      heartbeatOutgoing: 1000,
      connectHeaders: { login: 'guest', passcode: 'guest' },
      onConnect: () => resolve(client),
      onStompError: (frame) => reject(new Error(frame.headers.message)),
      onWebSocketError: () => reject(new Error(`WebSocket error connecting to ${url}`)),
    });
    client.activate();
  });
}

describe('interop: @stomp/stompjs over WebSocket', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('STOMP 1.2 over WebSocket: sends, subscribes with client-individual acks, uses a transaction', async () => {
    const client = await connect(`ws://127.0.0.1:${broker.wsPort}/stomp`);
    expect(client.connectedVersion).toBe('1.2');
    const received: IMessage[] = [];
    client.subscribe('/queue/interop.js', (m) => received.push(m), { ack: 'client-individual', id: 'js-1' });

    client.publish({ destination: '/queue/interop.js', body: 'héllo wörld', headers: { colour: 'blue' } });
    client.publish({ destination: '/queue/interop.js', binaryBody: new Uint8Array([0, 1, 2, 0, 255]) });
    const [text, binary] = await collect(received, 2);
    expect(text!.body).toBe('héllo wörld');
    expect(text!.headers.colour).toBe('blue');
    expect(Array.from(binary!.binaryBody)).toEqual([0, 1, 2, 0, 255]);
    text!.ack();
    binary!.ack();

    const tx = client.begin();
    client.publish({ destination: '/queue/interop.js', body: 'in tx', headers: { transaction: tx.id } });
    // Invisible until COMMIT: a receipt round trip proves the broker has processed the SEND.
    await new Promise<void>((resolve) => {
      client.watchForReceipt('sync-1', () => resolve());
      client.publish({ destination: '/queue/interop.other', body: 'x', headers: { receipt: 'sync-1' } });
    });
    expect(received.length).toBe(2);
    tx.commit();
    const [, , committed] = await collect(received, 3);
    expect(committed!.body).toBe('in tx');
    committed!.ack();

    await client.deactivate();
  });
});
