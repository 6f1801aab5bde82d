import { describe, expect, it } from 'vitest';
import { webhookServeOverState } from './_webhook-state.js';

/**
 * A complaint by webhook while the state file takes no writes goes to the unsubscribe journal: with
 * its event, so that once the journal is applied (by the next send) `bounces list`, `status` and list
 * health count it as they count one recorded at once, not only the suppression.
 */

const READER = 'priya.raman@example.com';
const serve = webhookServeOverState('webhook-journaled-event-secret-0123456789');

describe('a complaint journaled while the state file takes no writes', () => {
  it('is recorded as an event when the next send applies the journal', async () => {
    await serve.start();
    serve.db.pragma('query_only = ON');
    expect((await serve.postmark('SpamComplaint', READER, 31)).status).toBe(200);
    serve.db.pragma('query_only = OFF');

    const { complained } = await serve.sendToOutbox();
    expect(complained).toBe(1);
    const events = serve.db.prepare('SELECT email, kind, outcome, source FROM bounce_events').all();
    expect(events).toEqual([{ email: READER, kind: 'complaint', outcome: 'suppressed', source: 'postmark' }]);
  });
});
