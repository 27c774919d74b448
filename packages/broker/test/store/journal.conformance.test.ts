import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { JournalMessageStore } from '../../src/store/journal/index.js';
import { describeMessageStoreConformance } from './conformance.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describeMessageStoreConformance('JournalMessageStore', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'tsmq-journal-'));
  dirs.push(directory);
  // Small segments so that the suite also runs across segment boundaries.
  const make = () => new JournalMessageStore({ directory, segmentSize: 4096 });
  return { store: make(), reopen: async () => make() };
});
