import { describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/send/recorder.js';
import type { LedgerEntry } from '../../src/state/contract.js';
import { sentEntry } from '../helpers/ledger.js';

const row = (email: string) => sentEntry(email, { messageId: `<${email}>`, response: '250 OK' });

function ledger() {
  const writes: string[][] = [];
  return { writes, recordMany: (entries: readonly LedgerEntry[]) => void writes.push(entries.map((e) => e.email)) };
}

describe('ledger rows grouped into batches', () => {
  it('write rows that arrive within the delay together, and what waits at the end', async () => {
    const target = ledger();
    const recorder = createRecorder(target, { concurrency: 5 });
    const done = ['a', 'b', 'c'].map((name) => recorder.record(row(`${name}@example.test`), true));
    await Promise.all(done);
    expect(target.writes).toEqual([['a@example.test', 'b@example.test', 'c@example.test']]);
    void recorder.record(row('d@example.test'), true);
    await recorder.drain();
    expect(target.writes).toHaveLength(2);
  });

  it('write at once when every connection waits on the batch', async () => {
    const target = ledger();
    const recorder = createRecorder(target, { concurrency: 2 });
    void recorder.record(row('a@example.test'), true);
    void recorder.record(row('b@example.test'), true);
    // Written synchronously (then committed in the chain of writes): no turn passes before it starts.
    await Promise.resolve();
    await Promise.resolve();
    expect(target.writes).toEqual([['a@example.test', 'b@example.test']]);
  });
});
