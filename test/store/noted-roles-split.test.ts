import { readFile, rm, utimes } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { openStateDb } from '../../src/send/store.js';
import { fileFieldHash } from '../../src/store/fields.js';
import {
  newReader,
  noteFileFields,
  overlayReaderChanges,
  roleSpellingsOf,
  sqliteSubscriberStore,
} from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A reader of a subscribers file chose their own roles; a send noted what the file said for them.
 * When roles.yaml then makes an alias the file uses a role of its own (split out of the role it
 * stood for), the file reads differently although nobody wrote it: that is no change of its
 * editor's, and the reader keeps the roles they chose.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
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
  const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--resend']);
  expect(sent.code, sent.all).toBe(0);
  const mail = await simpleParser(await readFile(project.path('outbox/2026-W48/ann@example.com.eml')));
  return mail.text ?? '';
}

describe('a role roles.yaml splits out of an alias the subscribers file uses', () => {
  it('is no change of the file: the reader keeps the roles they chose', async () => {
    const file = await project.write(
      'subscribers.json',
      JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML'] }]),
    );
    await utimes(file, WRITTEN_AT, WRITTEN_AT);
    const db = openStateDb(project.path('.rolecast/state.db'));
    await sqliteSubscriberStore(db).insert(
      readerRecord('ann@example.com', { roles: ['CTO'], readerChangedAt: CHOSE_AT, readerFields: { roles: CHOSE_AT } }),
    );
    db.close();

    // "Head of ML" is an alias of Director of AI/ML: the send notes what the file says.
    expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
    expect((await storedReader()).reader?.fileFields?.roles?.at).toBe(CHOSE_AT);

    // roles.yaml makes Head of ML a role of its own; the subscribers file is not touched.
    const roles = await readFile(project.path('roles.yaml'), 'utf8');
    await project.write(
      'roles.yaml',
      `${roles.replace('Head of AI, Head of ML,', 'Head of AI,')}\n  - name: Head of ML\n    group: AI and data\n`,
    );
    await utimes(file, WRITTEN_AT, WRITTEN_AT);

    expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');
    const { reader, audit } = await storedReader();
    expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
    expect(audit.map((entry) => entry.change).join('\n')).not.toMatch(/editor changed/);
  });

  it('the editor who does change the reader’s roles still wins them', async () => {
    const file = await project.write(
      'subscribers.json',
      JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML'] }]),
    );
    await utimes(file, WRITTEN_AT, WRITTEN_AT);
    const db = openStateDb(project.path('.rolecast/state.db'));
    await sqliteSubscriberStore(db).insert(
      readerRecord('ann@example.com', { roles: ['CTO'], readerChangedAt: CHOSE_AT, readerFields: { roles: CHOSE_AT } }),
    );
    db.close();
    expect(await sendToAnn()).toContain('sent to ann@example.com for CTO.');

    await project.write(
      'subscribers.json',
      JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['Head of ML', 'Executive'] }]),
    );
    await utimes(file, WRITTEN_AT, WRITTEN_AT);
    expect(await sendToAnn()).toMatch(/sent to ann@example\.com for [^\n]*Executive/);
    const { reader } = await storedReader();
    expect(reader?.readerFields).toEqual({});
  });
});

describe('a note made before the file’s text was noted', () => {
  it('gets it at the next send that finds the file as noted, and then holds through the split', async () => {
    const db = openStateDb(project.path('state.db'));
    try {
      const store = sqliteSubscriberStore(db);
      const ann: Subscriber = { email: 'ann@example.com', roles: ['Director of AI/ML'], status: 'active' };
      await store.insert(
        newReader('ann@example.com', new Date(CHOSE_AT), {
          roles: ['CTO'],
          readerChangedAt: CHOSE_AT,
          readerFields: { roles: CHOSE_AT },
          fileFields: { roles: { at: CHOSE_AT, said: fileFieldHash(ann, 'roles') } },
        }),
      );
      const send = async (entry: Subscriber, taxonomy: { name: string; aliases: string[] }[]) => {
        const readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
        const now = new Date('2026-12-05T08:00:00.000Z');
        const overlaid = overlayReaderChanges(
          [entry],
          readers,
          WRITTEN_AT,
          now,
          new Map(),
          new Map(),
          roleSpellingsOf(taxonomy),
          () => ['Head of ML'],
        );
        await noteFileFields(store, overlaid.notes, now);
        return overlaid.subscribers[0]?.roles;
      };
      const before = [{ name: 'Director of AI/ML', aliases: ['Head of ML'] }];
      expect(await send(ann, before)).toEqual(['CTO']);
      expect((await store.get('ann@example.com'))?.fileFields?.roles?.written).toBeDefined();
      const after = [...before.map((role) => ({ ...role, aliases: [] })), { name: 'Head of ML', aliases: [] }];
      expect(await send({ ...ann, roles: ['Head of ML'] }, after)).toEqual(['CTO']);
      expect((await store.get('ann@example.com'))?.readerFields).toEqual({ roles: CHOSE_AT });
    } finally {
      db.close();
    }
  });
});
