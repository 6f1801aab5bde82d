import { readFile, rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { fileFieldHash } from '../../src/store/fields.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A note an earlier release made of a subscribers file's roles for a reader who chose their own
 * (the roles as roles.yaml read them then, without the file's text), read for the first time from
 * a fresh checkout: every file there, the subscribers file too, is newer than the reader's choice.
 * A roles.yaml that since reads an alias the file uses as a role of its own is no change of the
 * file: the reader keeps their roles, and the note gets the text. An editor who gave the reader
 * other roles as well still wins them.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
/** The earlier release's note: the file's "Head of ML" read as Director of AI/ML, no text. */
const OLD_NOTE = JSON.stringify({
  roles: {
    at: CHOSE_AT,
    said: fileFieldHash({ email: 'ann@example.com', roles: ['Director of AI/ML'], status: 'active' }, 'roles'),
  },
});

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function storedReader() {
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    return await sqliteSubscriberStore(db).get('ann@example.com');
  } finally {
    db.close();
  }
}

async function sendToAnn(): Promise<string> {
  await rm(project.path('outbox'), { recursive: true, force: true });
  const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--resend']);
  expect(sent.code, sent.all).toBe(0);
  const mail = await simpleParser(await readFile(project.path('outbox/2026-W48/ann@example.com.eml')));
  return mail.text ?? '';
}

/** The store as the earlier release left it, then the checkout: both files written now. */
async function checkout(roles: string[]) {
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    await sqliteSubscriberStore(db).insert(
      readerRecord('ann@example.com', { roles: ['CTO'], readerChangedAt: CHOSE_AT, readerFields: { roles: CHOSE_AT } }),
    );
    db.prepare('UPDATE readers SET file_fields = ? WHERE email = ?').run(OLD_NOTE, 'ann@example.com');
  } finally {
    db.close();
  }
  const taxonomy = await readFile(project.path('roles.yaml'), 'utf8');
  await project.write(
    'roles.yaml',
    `${taxonomy.replace('Head of AI, Head of ML,', 'Head of AI,')}\n  - name: Head of ML\n    group: AI and data\n`,
  );
  await project.write('subscribers.json', JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles }]));
}

describe('an earlier release’s role note, first read from a fresh checkout after roles.yaml split an alias out', () => {
  it('the file as it was: the reader keeps their roles, and the note gets the file’s text', async () => {
    await checkout(['Head of ML']);
    expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
    const reader = await storedReader();
    expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
    expect(reader?.roles).toEqual(['CTO']);
    expect(reader?.fileFields?.roles?.written).toBeDefined();
    expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
  });

  it('the file giving the reader another role as well: the editor’s roles win', async () => {
    await checkout(['Head of ML', 'Executive']);
    expect(await sendToAnn()).toMatch(/sent to ann@example\.com for [^\n]*Executive/);
    expect((await storedReader())?.readerFields).toEqual({});
  });
});
