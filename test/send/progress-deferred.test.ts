import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/send/progress.js';
import type { Tally } from '../../src/send/report.js';

/**
 * Messages deferred (a run aborted because a new connection could not start TLS, retries run out on
 * temporary replies) are left for the next run: the progress line must not call them failed while
 * the report below it says none failed.
 */

function sink() {
  let text = '';
  const stream = {
    write(chunk: string) {
      text += chunk;
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, text: () => text };
}

function tally(sent: number, failed: number, deferred: number, pending = 0): Tally {
  return {
    planned: sent + failed + deferred + pending,
    sent,
    failed,
    deferred,
    pending,
    skipped: {} as Tally['skipped'],
  };
}

describe('the progress line with deferred messages', () => {
  it('counts deferred messages apart from failed ones, in a log', () => {
    const out = sink();
    let time = 0;
    const progress = createProgress({ stream: out.stream, isTTY: false, planned: 5, now: () => (time += 500) });
    progress.update(tally(1, 0, 2, 2));
    progress.update({ ...tally(1, 0, 2, 2), pending: 0, deferred: 4 });
    progress.done();
    const last = out.text().trim().split('\n').at(-1);
    expect(last).toMatch(/^5\/5: sent 1 {2}failed 0 {2}deferred 4 {2}remaining 0 /);
  });

  it('counts deferred messages apart from failed ones, on a terminal', () => {
    const out = sink();
    let time = 0;
    const progress = createProgress({ stream: out.stream, isTTY: true, planned: 5, now: () => (time += 500) });
    progress.update(tally(1, 1, 2, 1));
    progress.done();
    expect(out.text()).toContain('sent 1  failed 1  deferred 2  remaining 1');
  });

  it('says nothing of deferred messages when there are none', () => {
    const out = sink();
    let time = 0;
    const progress = createProgress({ stream: out.stream, isTTY: false, planned: 3, now: () => (time += 500) });
    progress.update(tally(2, 1, 0));
    expect(out.text()).toMatch(/^3\/3: sent 2 {2}failed 1 {2}remaining 0 /);
  });
});
