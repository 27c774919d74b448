import { Client, type IMessage } from '@stomp/stompjs';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { sharedBroker } from './helpers/broker.js';
import { within } from './helpers/within.js';

const tb = sharedBroker();

describe('interoperability', () => {
  it('@stomp/stompjs over WebSocket: connects with 1.2 and heart-beats, subscribes with client ack, publishes with a receipt and receives', async () => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(`${tb.wsUrl}/ws`, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
      heartbeatIncoming: 1000,
      heartbeatOutgoing: 1000,
      reconnectDelay: 0,
      debug: () => {},
    });
    const connected = new Promise<void>((resolve) => (client.onConnect = () => resolve()));
    client.activate();
    try {
      await within(connected, 5_000, 'CONNECTED');
      expect(client.connectedVersion).toBe('1.2');
      const received = new Promise<IMessage>((resolve) => {
        client.subscribe('/queue/interop', (m) => {
          m.ack();
          resolve(m);
        }, { ack: 'client-individual' });
      });
      const receipted = new Promise<void>((resolve) => client.watchForReceipt('interop-1', () => resolve()));
      client.publish({ destination: '/queue/interop', body: 'hello from stompjs', headers: { receipt: 'interop-1', 'x-kind': 'greeting' } });
      await within(receipted, 5_000, 'RECEIPT');
      const m = await within(received, 5_000, 'MESSAGE');
      expect(m.body).toBe('hello from stompjs');
      expect(m.headers['x-kind']).toBe('greeting');
    } finally {
      await client.deactivate();
    }
  });
});
