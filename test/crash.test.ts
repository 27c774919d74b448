/**
 * The persistence promise under `kill -9` (project issue #5): the broker CLI runs as a child process
 * on a journal, producers and a consumer talk raw STOMP 1.2 to it, and the broker is killed at
 * seeded-random moments and restarted on the same data directory. At the end:
 * - every message whose RECEIPT (or whose transaction's COMMIT receipt) arrived is delivered;
 * - no message is delivered again after the RECEIPT of its ACK arrived;
 * - any other message is delivered at most once per broker run, every delivery after its first
 *   carries `redelivered:true`, and a transaction's messages are delivered all or none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StompFrame } from '@tsmq/codec';
import { prng } from '../packages/codec/test/helpers.js';
import { startBrokerCli } from '../packages/broker/test/helpers/broker-process.js';
import { within } from '../packages/broker/test/helpers/within.js';
import { StompWire } from './helpers/stomp-wire.js';

const QUEUE = '/queue/crash';
const SEED = 0x5eed_2026;
const KILLED_RUNS = 4;

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tsmq-crash-'));
  // The CLI runs from the build output, which the test run's global setup brings up to date.
}, 150_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const startBroker = () => startBrokerCli(['--stomp-port', '0', '--ws-port', '0', '--data', dataDir], dataDir, 20_000);

/** Everything the clients saw, in the order they saw it. */
class Ledger {
  private clock = 0;
  readonly sent = new Set<string>();
  /** Ids whose SEND receipt, or whose transaction's COMMIT receipt, arrived. */
  readonly confirmed = new Set<string>();
  /** Transactions whose COMMIT was sent, with their messages. */
  readonly committedTx = new Map<string, string[]>();
  /** Messages of transactions whose COMMIT was never sent. */
  readonly abandonedTx: string[] = [];
  readonly deliveries = new Map<string, { run: number; at: number; redelivered: boolean }[]>();
  readonly ackReceiptAt = new Map<string, number>();
  events = 0;

  delivered(id: string, run: number, redelivered: boolean): void {
    const list = this.deliveries.get(id) ?? [];
    list.push({ run, at: ++this.clock, redelivered });
    this.deliveries.set(id, list);
    this.events++;
  }

  ackConfirmed(id: string): void {
    if (!this.ackReceiptAt.has(id)) this.ackReceiptAt.set(id, ++this.clock);
    this.events++;
  }

  sendConfirmed(ids: string[]): void {
    for (const id of ids) this.confirmed.add(id);
    this.events++;
  }
}

/**
 * A producer keeping up to `window` receipts outstanding; about one batch in five is a transaction
 * of three messages. Stops when its connection dies.
 */
async function produce(wire: StompWire, name: string, ledger: Ledger, random: () => number, counter: { n: number }): Promise<void> {
  const window = 8;
  const pending = new Map<string, string[]>();
  let wake: () => void = () => {};
  let alive = true;
  void wire.closed.then(() => {
    alive = false;
    wake();
  });
  wire.onFrame = (frame: StompFrame) => {
    const ids = pending.get(frame.headers['receipt-id'] ?? '');
    if (frame.command === 'RECEIPT' && ids) {
      pending.delete(frame.headers['receipt-id']!);
      ledger.sendConfirmed(ids);
    }
    wake();
  };
  while (alive) {
    if (pending.size >= window) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const n = ++counter.n;
    if (random() < 0.2) {
      const tx = `${name}-tx-${n}`;
      const ids = [0, 1, 2].map((i) => `${name}-${n}-${i}`);
      wire.send('BEGIN', { transaction: tx });
      for (const id of ids) {
        ledger.sent.add(id);
        wire.send('SEND', { destination: QUEUE, persistent: 'true', transaction: tx }, id);
      }
      if (random() < 0.1) {
        // Left open: the broker must never deliver these.
        ledger.abandonedTx.push(...ids);
        continue;
      }
      ledger.committedTx.set(tx, ids);
      pending.set(`commit-${tx}`, ids);
      wire.send('COMMIT', { transaction: tx, receipt: `commit-${tx}` });
    } else {
      const id = `${name}-${n}`;
      ledger.sent.add(id);
      pending.set(`send-${id}`, [id]);
      wire.send('SEND', { destination: QUEUE, persistent: 'true', receipt: `send-${id}` }, id);
    }
    // Lets receipts and deliveries in between, so the kill can land anywhere.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A client-individual consumer that acknowledges with receipts, and in killed runs leaves some deliveries unacknowledged. */
function consume(wire: StompWire, run: number, ledger: Ledger, random: () => number, holdSome: boolean, seen?: (id: string) => void): void {
  wire.onFrame = (frame: StompFrame) => {
    if (frame.command === 'MESSAGE') {
      const id = new TextDecoder().decode(frame.body);
      ledger.delivered(id, run, frame.headers.redelivered === 'true');
      seen?.(id);
      if (holdSome && random() < 0.1) return;
      wire.send('ACK', { id: frame.headers.ack!, receipt: `ack-${id}` });
    } else if (frame.command === 'RECEIPT' && frame.headers['receipt-id']!.startsWith('ack-')) {
      ledger.ackConfirmed(frame.headers['receipt-id']!.slice(4));
    }
  };
  wire.send('SUBSCRIBE', { id: 'crash', destination: QUEUE, ack: 'client-individual' });
}

describe('crash safety of persistent messages (issue #5)', () => {
  it('kill -9 at random moments: nothing receipted is lost, nothing whose ACK was receipted comes back, redeliveries carry redelivered:true (JMS 2.0 §3.4.7)', async () => {
    const random = prng(SEED);
    const ledger = new Ledger();
    const counter = { n: 0 };

    for (let run = 0; run < KILLED_RUNS; run++) {
      const broker = await startBroker();
      try {
        const consumer = await StompWire.open(broker.stompPort());
        consume(consumer, run, ledger, random, true);
        const producers = await Promise.all([StompWire.open(broker.stompPort()), StompWire.open(broker.stompPort())]);
        const producing = producers.map((p, i) => produce(p, `r${run}p${i}`, ledger, random, counter));
        // The kill moment is counted in client-visible events, not in time, so the schedule is the seed's.
        const killAt = ledger.events + 150 + Math.floor(random() * 600);
        await within(
          new Promise<void>((resolve) => {
            const check = setInterval(() => {
              if (ledger.events >= killAt) {
                clearInterval(check);
                resolve();
              }
            }, 1);
          }),
          15_000,
          `run ${run}: ${killAt - ledger.events} more client events`,
        );
        broker.kill();
        await within(broker.exited, 10_000, 'broker exit after SIGKILL');
        await within(Promise.all([consumer.closed, ...producers.map((p) => p.closed), ...producing]), 10_000, 'clients noticing the kill');
      } finally {
        broker.kill();
      }
    }

    // A last run drains the queue: a marker sent last arrives after every message stored before it.
    const broker = await startBroker();
    try {
      const marker = 'marker';
      const drained = new Promise<void>((resolve) => {
        void StompWire.open(broker.stompPort()).then((consumer) =>
          consume(consumer, KILLED_RUNS, ledger, random, false, (id) => {
            if (id === marker) resolve();
          }),
        );
      });
      const producer = await StompWire.open(broker.stompPort());
      const stored = new Promise<void>((resolve) => {
        producer.onFrame = (f) => {
          if (f.command === 'RECEIPT') resolve();
        };
      });
      producer.send('SEND', { destination: QUEUE, persistent: 'true', receipt: 'marker' }, marker);
      await within(stored, 10_000, 'marker receipt');
      await within(drained, 20_000, `marker delivery (broker output:\n${broker.stdout()}${broker.stderr()})`);
      await broker.stop();
    } finally {
      broker.kill();
    }

    // The scenario must have exercised something.
    expect(ledger.confirmed.size).toBeGreaterThan(200);
    expect(ledger.committedTx.size).toBeGreaterThan(10);
    const deliveredInSeveralRuns = [...ledger.deliveries.values()].filter((d) => new Set(d.map((x) => x.run)).size > 1);
    expect(deliveredInSeveralRuns.length).toBeGreaterThan(0);

    const lost = [...ledger.confirmed].filter((id) => !ledger.deliveries.has(id));
    expect(lost, 'receipted messages never delivered').toEqual([]);

    const afterAck = [...ledger.ackReceiptAt].filter(([id, at]) => ledger.deliveries.get(id)!.some((d) => d.at > at)).map(([id]) => id);
    expect(afterAck, 'messages delivered again after their ACK receipt').toEqual([]);

    const twiceInOneRun: string[] = [];
    const notMarked: string[] = [];
    for (const [id, list] of ledger.deliveries) {
      if (id === 'marker') continue;
      if (new Set(list.map((d) => d.run)).size !== list.length) twiceInOneRun.push(id);
      if (list.slice(1).some((d) => !d.redelivered)) notMarked.push(id);
    }
    expect(twiceInOneRun, 'messages delivered twice by one broker run').toEqual([]);
    expect(notMarked, 'redeliveries without redelivered:true').toEqual([]);

    const unknown = [...ledger.deliveries.keys()].filter((id) => id !== 'marker' && !ledger.sent.has(id));
    expect(unknown, 'deliveries of messages never sent').toEqual([]);
    expect(ledger.abandonedTx.filter((id) => ledger.deliveries.has(id)), 'messages of uncommitted transactions delivered').toEqual([]);
    const partial = [...ledger.committedTx].filter(([, ids]) => new Set(ids.map((id) => ledger.deliveries.has(id))).size > 1).map(([tx]) => tx);
    expect(partial, 'transactions delivered in part (JMS 2.0 §6.2.5: a transaction is atomic)').toEqual([]);
  }, 120_000);
});
