import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { openStateDb } from '../../src/send/index.js';
import { parseJournal } from '../../src/send/journal.js';
import { journalPath } from '../../src/serve/index.js';
import { WEBHOOK_BUSY_WAIT_MS, webhookServeOverState } from './_webhook-state.js';

/**
 * Complaints posted together while a send holds the state file's write lock for longer than every
 * wait: the webhook calls took the lock one after another, each starting its wait when the one
 * before gave up, so the eighth answered only after eight waits, long past a provider's HTTP timeout
 * (the provider tries again much later, while the send may mail the reader who complained). Each
 * call now waits from its own arrival, then journals its suppression as the first does.
 */

const SECRET = 'webhook-busy-together-secret-0123456789abcdef';
const READERS = [
  'priya.raman@example.com',
  'jonas.becker@example.org',
  'zoe.hartmann@example.net',
  'marcus.oyelaran@example.com',
  'hannah.cole@example.org',
  'tomas.novak@example.com',
  'amara.okafor@example.net',
  'lena.fischer@example.org',
];
/**
 * A provider that gives up on a call not answered within five of serve's waits: one after another,
 * the sixth to eighth calls were answered later; each waiting from its arrival, all after about one.
 */
const PROVIDER_TIMEOUT_MS = 5 * WEBHOOK_BUSY_WAIT_MS;
const serve = webhookServeOverState(SECRET);

it('complaints posted together while the lock outlasts every wait are each answered 200 in time and journaled once', async () => {
  await serve.start();
  const other = openStateDb(serve.stateFile);
  other.exec('BEGIN IMMEDIATE');
  let answers: PromiseSettledResult<Response>[];
  try {
    answers = await Promise.allSettled(
      READERS.map((reader, i) =>
        serve.postmark('SpamComplaint', reader, 41 + i, AbortSignal.timeout(PROVIDER_TIMEOUT_MS)),
      ),
    );
    // The lock is held until serve has taken every call, so none can land in the file.
    await serve.bounces.transaction(async () => undefined);
  } finally {
    other.exec('COMMIT');
    other.close();
  }
  const answered = answers.filter((a) => a.status === 'fulfilled' && a.value.status === 200).length;
  expect(answered).toBe(READERS.length);
  const journaled = parseJournal(readFileSync(journalPath(serve.stateFile), 'utf8')).entries;
  expect(journaled.map((entry) => entry.email).sort()).toEqual([...READERS].sort());
  expect(journaled.every((entry) => entry.reason === 'complaint' && entry.event?.kind === 'complaint')).toBe(true);
  expect(serve.db.prepare('SELECT COUNT(*) FROM suppressions').pluck().get()).toBe(0);
});
