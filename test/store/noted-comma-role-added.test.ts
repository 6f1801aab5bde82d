import { readFile, rm, utimes } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A reader of a subscribers file chose their own roles, and a send noted what the file's roles
 * cell said ("Head of Sales, EMEA"). roles.yaml then gains, or loses, a role whose name holds that
 * comma, so the same cell reads as one role instead of two (or two instead of one): nobody wrote
 * the file, and the reader keeps the roles they chose. An editor who does change the cell wins.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
const COMMA_ROLE = '  - name: "Head of Sales, EMEA"\n';
const PARTS = '  - name: Head of Sales\n  - name: EMEA\n';

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

async function start(roles: string, cell = 'Head of Sales, EMEA') {
  await project.write('roles.yaml', `${baseRoles}\n${roles}`);
  const file = await project.write('readers.csv', `email,name,roles\nann@example.com,Ann,"${cell}"\n`);
  await utimes(file, WRITTEN_AT, WRITTEN_AT);
  const db = openStateDb(project.path('.rolecast/state.db'));
  await sqliteSubscriberStore(db).insert(
    readerRecord('ann@example.com', { roles: ['CTO'], readerChangedAt: CHOSE_AT, readerFields: { roles: CHOSE_AT } }),
  );
  db.close();
  expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
  expect((await storedReader()).reader?.fileFields?.roles?.at).toBe(CHOSE_AT);
  return file;
}

async function expectAnnKeepsCto() {
  expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
  const { reader, audit } = await storedReader();
  expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
  expect(reader?.roles).toEqual(['CTO']);
  expect(audit.map((entry) => entry.change).join('\n')).not.toMatch(/editor changed/);
}

describe('a roles cell with a comma, and roles.yaml naming a role with that comma since a send noted it', () => {
  it('a comma role added: the reader keeps the roles they chose', async () => {
    await start(PARTS);
    await project.write('roles.yaml', `${baseRoles}\n${PARTS}${COMMA_ROLE}`);
    await expectAnnKeepsCto();
  });

  it('the comma role removed: the reader keeps the roles they chose', async () => {
    await start(PARTS + COMMA_ROLE);
    await project.write('roles.yaml', `${baseRoles}\n${PARTS}`);
    await expectAnnKeepsCto();
  });

  it('the editor who changes the cell still wins the roles', async () => {
    const file = await start(PARTS);
    await project.write('roles.yaml', `${baseRoles}\n${PARTS}${COMMA_ROLE}`);
    await project.write('readers.csv', 'email,name,roles\nann@example.com,Ann,"Head of Sales, EMEA|Executive"\n');
    await utimes(file, WRITTEN_AT, WRITTEN_AT);
    expect(await sendToAnn()).toMatch(/sent to ann@example\.com for [^\n]*Executive/);
    expect((await storedReader()).reader?.readerFields).toEqual({});
  });
});
