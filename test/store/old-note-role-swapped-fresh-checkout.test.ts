import { readFile, rm } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { fileFieldHash } from '../../src/store/fields.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A note an earlier release made of a subscribers file's roles (as roles.yaml read them then,
 * without the file's text), first read from a fresh checkout where roles.yaml changed too. The
 * file's editor swapped the reader's role (CTO for VP of Engineering/Data): that reads as the
 * noted roles with one read as another, as a roles.yaml splitting an alias out would, so the reader
 * keeps their choice, and the send says so, naming the reader and how to make the file's roles win.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
/** The earlier release's note: the file said CTO, no text. */
const OLD_NOTE = JSON.stringify({
  roles: { at: CHOSE_AT, said: fileFieldHash({ email: 'ann@example.com', roles: ['CTO'], status: 'active' }, 'roles') },
});

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function send(): Promise<{ all: string; text: string }> {
  await rm(project.path('outbox'), { recursive: true, force: true });
  const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--resend']);
  expect(sent.code, sent.all).toBe(0);
  const mail = await simpleParser(await readFile(project.path('outbox/2026-W48/ann@example.com.eml')));
  return { all: sent.all, text: mail.text ?? '' };
}

/** The store as the earlier release left it (Ann chose Executive), then the checkout. */
async function checkout(roles: string[]) {
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    await sqliteSubscriberStore(db).insert(
      readerRecord('ann@example.com', {
        roles: ['Executive'],
        readerChangedAt: CHOSE_AT,
        readerFields: { roles: CHOSE_AT },
      }),
    );
    db.prepare('UPDATE readers SET file_fields = ? WHERE email = ?').run(OLD_NOTE, 'ann@example.com');
  } finally {
    db.close();
  }
  const taxonomy = await readFile(project.path('roles.yaml'), 'utf8');
  await project.write('roles.yaml', `${taxonomy}\n  - name: Platform Lead\n    group: Engineering\n`);
  await project.write('subscribers.json', JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles }]));
}

describe('an editor’s swap of a role, first read from a fresh checkout through an earlier release’s note', () => {
  it('keeps the reader’s choice and warns, naming the reader, the file’s roles and what to do', async () => {
    await checkout(['VP of Engineering/Data']);
    const { all, text } = await send();
    expect(text).toContain('sent to ann@example.com for Executive.');
    expect(all).toMatch(
      /subscribers\.json[^\n]*ann@example\.com roles[^\n]*"VP of Engineering\/Data"[^\n]*"Executive"/,
    );
    expect(all).toContain('put back what it said before for one send, then write your change again');
  });

  it('check says the same before anything is sent', async () => {
    await checkout(['VP of Engineering/Data']);
    const checked = await runMain(project.dir, ['check', 'issues/2026-W48', '--subscribers', 'subscribers.json']);
    expect(checked.all).toMatch(/ann@example\.com roles[^\n]*"VP of Engineering\/Data"[^\n]*"Executive"/);
  });

  it('the file’s roles win once the file said as before for one send and the change is written again', async () => {
    await checkout(['CTO']);
    const before = await send();
    expect(before.text).toContain('sent to ann@example.com for Executive.');
    expect(before.all).not.toContain('ann@example.com roles');
    await project.write(
      'subscribers.json',
      JSON.stringify([{ email: 'ann@example.com', name: 'Ann', roles: ['VP of Engineering/Data'] }]),
    );
    const after = await send();
    expect(after.text).toContain('sent to ann@example.com for VP of Engineering/Data.');
    expect(after.all).not.toContain('ann@example.com roles');
  });

  it('warns once: the next send finds the note with the file’s text', async () => {
    await checkout(['VP of Engineering/Data']);
    await send();
    const again = await send();
    expect(again.text).toContain('sent to ann@example.com for Executive.');
    expect(again.all).not.toContain('ann@example.com roles');
  });
});
