import { readFile, rm, utimes } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { fileFieldHash, writtenRolesHash } from '../../src/store/fields.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A note of a roles cell made while a send took its text as roles.yaml split it then ("Head of
 * Sales, EMEA" kept whole, one role), read at a send whose roles.yaml no longer names that role
 * (or names it since): the cell is the same text, so the reader keeps the roles they chose, and
 * the note gets the text as taken now. An editor who changes the cell still wins the roles.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
const COMMA_ROLE = '  - name: "Head of Sales, EMEA"\n';
const PARTS = '  - name: Head of Sales\n  - name: EMEA\n';
const ann = (roles: string[]) => ({ email: 'ann@example.com', roles, status: 'active' as const });

let project: TempProject;
let baseRoles: string;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  baseRoles = (await readFile(project.path('roles.yaml'), 'utf8')).trimEnd();
});
afterEach(() => project.cleanup());

async function storedReader() {
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    const store = sqliteSubscriberStore(db);
    return { reader: await store.get('ann@example.com'), audit: await store.auditOf('ann@example.com') };
  } finally {
    db.close();
  }
}

async function sendToAnn(): Promise<string> {
  await rm(project.path('outbox'), { recursive: true, force: true });
  const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'readers.csv', '--resend']);
  expect(sent.code, sent.all).toBe(0);
  const mail = await simpleParser(await readFile(project.path('outbox/2026-W48/ann@example.com.eml')));
  return mail.text ?? '';
}

/** The store as a send that kept the cell's comma role whole left it; roles.yaml as it is now. */
async function start(notedRoles: string[], notedText: string[], roles: string, cell = 'Head of Sales, EMEA') {
  await project.write('roles.yaml', `${baseRoles}\n${roles}`);
  const file = await project.write('readers.csv', `email,name,roles\nann@example.com,Ann,"${cell}"\n`);
  await utimes(file, WRITTEN_AT, WRITTEN_AT);
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    await sqliteSubscriberStore(db).insert(
      readerRecord('ann@example.com', {
        roles: ['CTO'],
        readerChangedAt: CHOSE_AT,
        readerFields: { roles: CHOSE_AT },
      }),
    );
    const note = {
      roles: { at: CHOSE_AT, said: fileFieldHash(ann(notedRoles), 'roles'), written: writtenRolesHash(notedText) },
    };
    db.prepare('UPDATE readers SET file_fields = ? WHERE email = ?').run(JSON.stringify(note), 'ann@example.com');
  } finally {
    db.close();
  }
  return file;
}

async function expectAnnKeepsCto() {
  expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
  const { reader, audit } = await storedReader();
  expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
  expect(reader?.roles).toEqual(['CTO']);
  expect(reader?.fileFields?.roles?.written).toBe(writtenRolesHash(['Head of Sales', 'EMEA']));
  expect(audit.map((entry) => entry.change).join('\n')).not.toMatch(/editor changed/);
  expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
}

describe('a note of a comma role kept whole, read after roles.yaml changed what the comma means', () => {
  it('the comma role removed from roles.yaml since: the reader keeps the roles they chose', async () => {
    await start(['Head of Sales, EMEA'], ['Head of Sales, EMEA'], PARTS);
    await expectAnnKeepsCto();
  });

  it('the comma role added to roles.yaml since: the reader keeps the roles they chose', async () => {
    await start(['Head of Sales', 'EMEA'], ['Head of Sales', 'EMEA'], PARTS + COMMA_ROLE);
    await expectAnnKeepsCto();
  });

  it('the editor who changes the cell still wins the roles', async () => {
    await start(['Head of Sales, EMEA'], ['Head of Sales, EMEA'], PARTS, 'Head of Sales, EMEA|Executive');
    expect(await sendToAnn()).toMatch(/sent to ann@example\.com for [^\n]*Executive/);
    expect((await storedReader()).reader?.readerFields).toEqual({});
  });
});
