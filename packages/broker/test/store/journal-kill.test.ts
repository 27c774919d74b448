/**
 * The journal alone under `kill -9`: a child process appends and removes messages on small segments (so
 * that segments roll, index checkpoints are written and segments are deleted all the time) and reports
 * every write whose promise resolved; it is killed at a seeded-random moment, several times on the
 * same directory. Whatever the moment, a resolved add is found again and a resolved remove never
 * comes back, whether `open()` starts from a checkpoint or replays everything.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../../codec/test/helpers.js';
import { JournalMessageStore } from '../../src/store/journal/index.js';
import { queueContainer } from '../../src/store/message-store.js';
import { within } from '../helpers/within.js';

const Q = queueContainer('killed');
/** The journal in the build output, which the test run's global setup brings up to date. */
const journalModule = new URL('../../dist/store/journal/index.js', import.meta.url).href;

/** Adds messages from `firstSeq` on, 8 writes in flight, and removes each one 40 seqs after adding it. */
const CHILD = `
const { JournalMessageStore } = await import(process.argv[1]);
const [directory, firstSeqText] = process.argv.slice(2);
const store = new JournalMessageStore({ directory, segmentSize: 16384 });
await store.open();
const body = new Uint8Array(600).fill(7);
let next = Number(firstSeqText);
const writer = async () => {
  for (;;) {
    const seq = next++;
    const ops = [{ op: 'add', container: '${Q}', message: { seq, messageId: 'ID:k-' + seq, destination: '/queue/killed', headers: {}, body, persistent: true, priority: 4, expires: 0, deliverAt: 0, redeliveryCount: 0 } }];
    const old = seq - 40;
    if (old >= Number(firstSeqText)) {
      ops.push({ op: 'remove', container: '${Q}', seq: old });
      // Before the write: once it is issued, the remove may be durable even if its promise never resolves.
      process.stdout.write('i ' + old + '\\n');
    }
    await store.write(ops);
    process.stdout.write('a ' + seq + (ops.length > 1 ? '\\nr ' + old : '') + '\\n');
  }
};
await Promise.all(Array.from({ length: 8 }, writer));
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsmq-journal-kill-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has reported `lines` resolved writes, then kills it; returns what it reported. */
async function runAndKill(firstSeq: number, lines: number): Promise<{ added: number[]; removed: number[]; issued: number[] }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, journalModule, dir, String(firstSeq)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const added: number[] = [];
  const removed: number[] = [];
  const issued: number[] = [];
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let pending = '';
  await within(
    new Promise<void>((resolve, reject) => {
      child.once('close', () => reject(new Error(`the child exited early: ${err}`)));
      child.stdout.on('data', (d: Buffer) => {
        pending += d.toString();
        const complete = pending.lastIndexOf('\n');
        if (complete < 0) return;
        for (const line of pending.slice(0, complete).split('\n')) {
          const seq = Number(line.slice(2));
          (line[0] === 'a' ? added : line[0] === 'r' ? removed : issued).push(seq);
        }
        pending = pending.slice(complete + 1);
        if (added.length >= lines) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    }),
    20_000,
    'the journal child to make progress',
  ).finally(() => child.kill('SIGKILL'));
  await exited;
  return { added, removed, issued };
}

describe('journal under kill -9', () => {
  it('a resolved write survives a kill at any moment, also across checkpoints and segment deletions; a resolved remove never comes back', async () => {
    const random = prng(0x6b_11_9);
    const added = new Set<number>();
    const removed = new Set<number>();
    /** Messages whose remove was issued: they may be gone even if the remove was never confirmed. */
    const mayBeGone = new Set<number>();
    let firstSeq = 1;
    for (let run = 0; run < 4; run++) {
      const got = await runAndKill(firstSeq, 400 + Math.floor(random() * 1200));
      for (const s of got.added) added.add(s);
      for (const s of got.removed) removed.add(s);
      for (const s of got.issued) mayBeGone.add(s);
      const store = new JournalMessageStore({ directory: dir, segmentSize: 16384 });
      const recovery = await store.open();
      const waiting = new Set<number>();
      for (let after = 0; ; ) {
        const page = await store.load(Q, after, 1000);
        if (page.length === 0) break;
        for (const m of page) waiting.add(m.seq);
        after = page[page.length - 1]!.seq;
      }
      await store.close();
      for (const s of added) if (!mayBeGone.has(s)) expect(waiting.has(s), `message ${s} (add resolved) after run ${run}`).toBe(true);
      for (const s of removed) expect(waiting.has(s), `message ${s} (remove resolved) after run ${run}`).toBe(false);
      // The next run's removes start at its own first seq, so what is left waits for good: remove it here.
      firstSeq = recovery.lastSeq + 1;
      const cleanup = new JournalMessageStore({ directory: dir, segmentSize: 16384 });
      await cleanup.open();
      if (waiting.size > 0) await cleanup.write([...waiting].map((seq) => ({ op: 'remove' as const, container: Q, seq })));
      for (const s of waiting) {
        removed.add(s);
        mayBeGone.add(s);
      }
      await cleanup.close();
    }
    expect(existsSync(join(dir, 'index.checkpoint'))).toBe(true);
  }, 120_000);
});
