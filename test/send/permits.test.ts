import { describe, expect, it } from 'vitest';
import { createPermits, messageGate } from '../../src/send/permits.js';
import { createRecorder } from '../../src/send/recorder.js';
import type { LedgerEntry } from '../../src/state/contract.js';
import { sentEntry } from '../helpers/ledger.js';

const row = (email: string) => sentEntry(email, { messageId: `<${email}>`, response: '250 OK' });

describe('commit permits', () => {
  it('grant at once while free, then only as rows are committed, and ask for a write when one waits', () => {
    let starved = 0;
    const permits = createPermits(2, () => starved++);
    const answers: boolean[] = [];
    for (let i = 0; i < 3; i++) permits.request((granted) => answers.push(granted));
    expect(answers).toEqual([true, true]);
    expect(permits.starved).toBe(true);
    expect(starved).toBe(1);
    permits.release();
    expect(answers).toEqual([true, true, true]);
    expect(permits.starved).toBe(false);
  });

  it('refuse those waiting and every later request once a ledger write failed, even when a row is committed after', () => {
    const permits = createPermits(1, () => {});
    const answers: boolean[] = [];
    permits.request((granted) => answers.push(granted));
    permits.request((granted) => answers.push(granted));
    permits.refuseAll();
    permits.release();
    permits.request((granted) => answers.push(granted));
    expect(answers).toEqual([true, false, false]);
  });

  it('give back a permit that comes after its message already failed, so none is lost', () => {
    const permits = createPermits(1, () => {});
    const first = messageGate(permits);
    first.request(() => {});
    const late = messageGate(permits);
    let wrote = false;
    late.request(() => {
      wrote = true;
    });
    // The waiting message's connection dropped: its send failed before the permit came.
    late.done();
    first.done();
    expect(wrote).toBe(false);
    const next = messageGate(permits);
    const answers: boolean[] = [];
    next.request((granted) => answers.push(granted));
    expect(answers).toEqual([true]);
    expect(late.used).toBe(true);
    expect(late.refused).toBe(false);
  });
});

describe('the recorder and waiting connections', () => {
  it('write at once when a connection waits on the rows, without waiting for the delay or a full batch', async () => {
    const writes: string[][] = [];
    let waiting = false;
    const recorder = createRecorder(
      { recordMany: (entries: readonly LedgerEntry[]) => void writes.push(entries.map((e) => e.email)) },
      { concurrency: 5, maxDelayMs: 60_000 },
      { urgent: () => waiting },
    );
    void recorder.record(row('a@example.test'), false);
    await Promise.resolve();
    expect(writes).toEqual([]);
    waiting = true;
    const done = recorder.record(row('b@example.test'), false);
    await done;
    expect(writes).toEqual([['a@example.test', 'b@example.test']]);
    void recorder.record(row('c@example.test'), false);
    waiting = false;
    recorder.flush();
    await recorder.drain();
    expect(writes).toHaveLength(2);
  });

  it('report a failed write before any of its rows is rejected', async () => {
    const order: string[] = [];
    const recorder = createRecorder(
      {
        recordMany: () => {
          throw new Error('disk full');
        },
      },
      { concurrency: 1 },
      { onWriteFailed: () => order.push('refused') },
    );
    await recorder.record(row('a@example.test'), true).catch(() => order.push('rejected'));
    expect(order).toEqual(['refused', 'rejected']);
  });
});
