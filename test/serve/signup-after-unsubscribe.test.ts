import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BounceStore } from '../../src/bounces/store.js';
import { postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { sqliteBounceStore } from '../../src/bounces/store-sqlite.js';
import { openPostgres } from '../../src/db/postgres.js';
import { openStateDb } from '../../src/send/store.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type FileReaders, startFileReaders } from './_file-readers.js';
import {
  confirmLink,
  joinedAndLeft,
  postSignup,
  pressConfirm,
  statusOf,
  suppressed,
  unsubscribeOneClick,
} from './_returning.js';

/**
 * Signing up again after an unsubscribe, over HTTP against `rolecast serve` and a loopback SMTP
 * server, on SQLite and PostgreSQL: only a link mailed by a signup after the unsubscribe lifts it,
 * never a complaint, and the mails a stranger can cause stay within the per-address limit.
 */

/** Records a complaint about the address as the webhooks and `bounces import` do. */
type Complain = (email: string) => Promise<void>;

function scenario(start: () => { h: FileReaders; complain: Complain; bounces: () => BounceStore }) {
  it('a signup link mailed before the unsubscribe no longer works; the one mailed after it does', async () => {
    const { h } = start();
    const reader = 'early.link@example.com';
    await postSignup(h, reader);
    const early = await confirmLink(h, reader, 1);
    await unsubscribeOneClick(h, reader);
    expect(await pressConfirm(early)).toBe(410);
    expect(await statusOf(h, reader)).toBe('pending');
    expect(await suppressed(h, reader)).toBe(true);

    await postSignup(h, reader);
    const fresh = await confirmLink(h, reader, 2);
    expect(fresh).not.toBe(early);
    expect(await pressConfirm(early)).toBe(410);
    expect(await pressConfirm(fresh)).toBe(200);
    expect(await statusOf(h, reader)).toBe('active');
    expect(await suppressed(h, reader)).toBe(false);
  });

  it('a new link is spent by an unsubscribe after it, and the reader stays out', async () => {
    const { h } = start();
    const reader = 'changed.mind@example.com';
    await joinedAndLeft(h, reader);
    await postSignup(h, reader);
    const link = await confirmLink(h, reader, 2);
    await unsubscribeOneClick(h, reader);
    expect(await pressConfirm(link)).toBe(410);
    expect(await suppressed(h, reader)).toBe(true);
  });

  it('a complaint after the unsubscribe keeps the address suppressed and unmailed', async () => {
    const { h, complain } = start();
    const reader = 'complained@example.com';
    await joinedAndLeft(h, reader);
    await complain(reader);
    await signsUpInVain(h, reader, 'after.complaint@example.com');
  });

  it('an editor suppressing the address after the unsubscribe keeps it suppressed and unmailed', async () => {
    const { h } = start();
    const added = 'editor.added@example.com';
    const imported = 'editor.imported@example.com';
    await joinedAndLeft(h, added);
    await joinedAndLeft(h, imported);
    const block = await h.run(['suppress', 'add', added]);
    expect(block.code, block.all).toBe(0);
    expect(block.out).toContain('its reader had unsubscribed; it is now suppressed by you');
    await h.project.write('blocked.csv', `email\n${imported}\n`);
    const list = await h.run(['suppress', 'import', 'blocked.csv']);
    expect(list.code, list.all).toBe(0);
    expect(list.out).toContain('1 already suppressed (1 unsubscribed by their reader, now suppressed by this import)');
    await postSignup(h, added);
    await postSignup(h, imported);
    const later = 'after.editor@example.com';
    await postSignup(h, later);
    await h.waitForMail(later, 1);
    expect(await h.mailsTo(added)).toHaveLength(1);
    expect(await h.mailsTo(imported)).toHaveLength(1);
    expect(await suppressed(h, added)).toBe(true);
    expect(await suppressed(h, imported)).toBe(true);
  });

  it('a soft-bounce suppression after the unsubscribe keeps the address suppressed and unmailed', async () => {
    const { h, bounces } = start();
    const reader = 'soft.bounced@example.com';
    await joinedAndLeft(h, reader);
    expect(await softLimitReached(bounces(), reader)).toBe(false);
    await signsUpInVain(h, reader, 'after.soft.bounce@example.com');
  });

  it('answers alike for every address, and mails one who left no more than the per-address limit', async () => {
    const { h } = start();
    const reader = 'many.posts@example.com';
    await joinedAndLeft(h, reader);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await postSignup(h, reader));
    const stranger = await postSignup(h, 'mystery.new@example.com');
    for (const answer of answers) {
      expect(answer.status).toBe(stranger.status);
      expect(answer.body.replace('many.posts@example.com', 'X')).toBe(
        stranger.body.replace('mystery.new@example.com', 'X'),
      );
    }
    // The limit is 3 mails an hour: the first signup's, then two of the five posts.
    await h.waitForMail('mystery.new@example.com', 1);
    await h.waitForMail(reader, 3);
    expect(await h.mailsTo(reader)).toHaveLength(3);
  });
}

describe('signing up again after an unsubscribe', () => {
  let h: FileReaders;
  let bounces: BounceStore;
  beforeAll(async () => {
    h = await startFileReaders();
    bounces = sqliteBounceStore(openStateDb(h.project.path('.rolecast/state.db')));
  }, 60_000);
  afterAll(() => h?.close());
  scenario(() => ({ h, complain: (email) => complaint(bounces, email), bounces: () => bounces }));

  it('a soft-bounce suppression journaled while a send holds the state file is applied over the unsubscribe', async () => {
    const reader = 'soft.journaled@example.com';
    await joinedAndLeft(h, reader);
    const state = h.project.path('.rolecast/state.db');
    const holder = openStateDb(state);
    const waiting = openStateDb(state);
    waiting.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    try {
      const store = sqliteBounceStore(waiting, { busyWaitMs: 1 });
      expect(await softLimitReached(store, reader)).toBe(true);
      expect(store.journaledInstead?.()?.entries).toBe(1);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      waiting.close();
    }
    // `suppress list` applies the journal first.
    expect(await suppressed(h, reader)).toBe(true);
    await signsUpInVain(h, reader, 'after.soft.journaled@example.com');
  });
});

describePostgres('signing up again after an unsubscribe, with the state in PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('signup_again');
  let h: FileReaders;
  let pool: Awaited<ReturnType<typeof openPostgres>>;
  beforeAll(async () => {
    h = await startFileReaders({ DATABASE_URL: databaseUrl() });
    pool = await openPostgres(databaseUrl(), { max: 2 });
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await h?.close();
  });
  scenario(() => ({
    h,
    complain: (email) => complaint(postgresBounceStore(pool), email),
    bounces: () => postgresBounceStore(pool),
  }));
});

async function complaint(store: BounceStore, email: string): Promise<void> {
  const at = new Date().toISOString();
  const record = {
    eventId: `complaint-${email}`,
    issueId: null,
    email,
    kind: 'complaint' as const,
    status: null,
    diagnostic: 'abuse report',
    source: 'webhook:ses',
    outcome: 'already suppressed' as const,
    occurredAt: at,
    recordedAt: at,
  };
  expect(await store.insertEvent(record)).toBe(true);
}

/** Suppresses the address as `bounces import` does once it soft-bounced `softLimit` issues in a row. */
function softLimitReached(store: BounceStore, email: string): Promise<boolean> {
  const at = new Date().toISOString();
  return store.transaction(() => store.suppress(email, { reason: 'soft-bounce', source: 'webhook:ses', at }));
}

/** The reader signs up again and gets no mail (a stranger's signup after theirs is mailed), and stays suppressed. */
async function signsUpInVain(h: FileReaders, reader: string, later: string): Promise<void> {
  await postSignup(h, reader);
  await postSignup(h, later);
  await h.waitForMail(later, 1);
  expect(await h.mailsTo(reader)).toHaveLength(1);
  expect(await suppressed(h, reader)).toBe(true);
}
