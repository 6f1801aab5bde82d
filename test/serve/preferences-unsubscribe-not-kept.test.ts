import { rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * "Unsubscribe from everything" on the preferences page writes the reader's record, then the
 * suppression list. A record that says "unsubscribed" keeps a reader of a subscribers file out only
 * until the file is written again; the suppression list keeps them out for good. When the list could
 * not be written anywhere (not even its journal), the page must not say the unsubscribe took.
 */

const SECRET = 'prefs-not-kept-secret-0123456789abcdef';
const READER = 'jonas@example.org';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
});
afterEach(() => h.close());

describe('an unsubscribe on the preferences page that the suppression list could not keep', () => {
  it('is answered 503 (try again), never "You are unsubscribed"', async () => {
    const file = await h.project.write('list.json', JSON.stringify([{ email: READER, roles: ['CTO'] }]));
    const before = new Date(Date.now() - 3600_000);
    await utimes(file, before, before);
    const path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
    const page = await (await fetch(`${h.origin}${path}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

    // A clean-up removes the state folder under the running serve: neither the state file at the
    // path nor its journal can take the unsubscribe.
    rmSync(h.config.stateDirAbs, { recursive: true, force: true });
    const response = await h.post(path, form({ csrf, action: 'unsubscribe' }));
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(response.headers.get('location') ?? '').not.toContain('done=unsubscribed');
    expect(h.logs.join('\n')).toContain('could not add an unsubscribe to the suppression list');
  });
});
