import { readdir, readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { startSignupServer } from '../helpers/signup.js';

/**
 * Stored readers keep the role names they chose. When roles.yaml later makes one of them an alias
 * of another role (two roles merged, one renamed), they must still get that role's sections.
 */

const consent = { at: '2026-12-01T10:00:00.000Z', method: 'cli' as const, wording: null };

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

describe('stored readers whose role is now an alias', () => {
  it('get the sections of the role it stands for, from the store, and are listed under it', async () => {
    const db = openStateDb(project.path('.rolecast/state.db'));
    const store = sqliteSubscriberStore(db);
    // "Head of ML" and "Chief Technical Officer" are aliases in roles.yaml (of Director of AI/ML and CTO).
    await store.insert(readerRecord('ml@example.com', { roles: ['Head of ML'], consent }));
    await store.insert(readerRecord('cto@example.com', { roles: ['Chief Technical Officer', 'CTO'], consent }));
    db.close();
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(sent.all).not.toMatch(/get nothing/);
    expect((await readdir(project.path('outbox/2026-W48'))).sort()).toEqual([
      'cto@example.com.eml',
      'ml@example.com.eml',
    ]);
    // The editor's list of a role's readers names them too.
    const listed = await runMain(project.dir, ['subscribers', 'list', '--role', 'Director of AI/ML']);
    expect(listed.out).toMatch(/^ml@example\.com\t/m);
    const ml = await simpleParser(await readFile(project.path('outbox/2026-W48/ml@example.com.eml')));
    expect(ml.text).toContain('For Director of AI/ML');
    const cto = await simpleParser(await readFile(project.path('outbox/2026-W48/cto@example.com.eml')));
    // One CTO section, not one per spelling of the role: the lead names it once, and a reader of
    // one section has no band line.
    expect(cto.text?.match(/For CTO this week/g)).toHaveLength(1);
    expect(cto.text).not.toMatch(/Chief Technical Officer/);
    expect(cto.text?.match(/^== .*$/gm)).toEqual(['== In this issue ==']);
    expect(cto.text).toContain('sent to cto@example.com for CTO.');
  });

  it('show as the role it stands for on the preferences page, so saving keeps it', async () => {
    const secret = 'stored-role-aliases-secret-0123456789abc';
    const h = await startSignupServer({ secret, now: () => new Date() });
    try {
      await h.store.insert(readerRecord('ml@example.com', { roles: ['Head of ML'], consent }));
      const token = signToken({ email: 'ml@example.com', listId: h.config.listId }, secret);
      const page = await (await fetch(`${h.origin}/preferences?${new URLSearchParams({ token })}`)).text();
      expect(page).toMatch(/<input type="checkbox" name="roles" id="[^"]+" value="Director of AI\/ML" checked/);
    } finally {
      await h.close();
    }
  });
});
