import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalPath } from '../../src/serve/index.js';
import { webhookServeOverState } from './_webhook-state.js';

/**
 * A bounce or complaint webhook while the state file takes no writes (read-only, a full disk): the
 * provider's retries would fail as long as that lasts, so its suppression goes to the journal beside
 * the file, which the next send applies, as a one-click unsubscribe does. Read-only is simulated with
 * SQLite's query_only, which refuses writes with SQLITE_READONLY as a read-only file does.
 */

const READER = 'priya.raman@example.com';
const serve = webhookServeOverState('webhook-readonly-secret-0123456789abcdef');

describe('a webhook while the state file takes no writes', () => {
  it('a complaint is journaled and answered 200, and the next send does not mail the reader', async () => {
    await serve.start();
    serve.db.pragma('query_only = ON');

    const response = await serve.postmark('SpamComplaint', READER, 21);
    expect(response.status).toBe(200);
    expect(readFileSync(journalPath(serve.stateFile), 'utf8')).toContain('"reason":"complaint"');
    serve.db.pragma('query_only = OFF');
    expect(serve.db.prepare('SELECT COUNT(*) FROM bounce_events').pluck().get()).toBe(0);

    const { files, complained } = await serve.sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(complained).toBe(1);
  });

  it('a soft bounce, which only counts, is answered 503 so the provider retries', async () => {
    await serve.start();
    serve.db.pragma('query_only = ON');
    expect((await serve.postmark('SoftBounce', READER, 22)).status).toBe(503);
    expect(existsSync(journalPath(serve.stateFile))).toBe(false);
  });
});
