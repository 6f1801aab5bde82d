import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { startUnsubscribeServer, stateSuppressionList } from '../../src/serve/index.js';
import { postOneClick, useServeProject } from '../helpers/serve-project.js';

/**
 * The state path a symbolic link: an unsubscribe journaled while the link leads to another file
 * than the one serve opened, or left beside the link by a release that kept it there, must be
 * found by the next send through the link.
 */

const SECRET = 'journal-link-repointed-secret-0123456789';
const READER = 'priya.raman@example.com';

let db: StateDb | undefined;

const serve = useServeProject(() => {
  db?.close();
  db = undefined;
});

function linkedState(): { link: string; real: string } {
  const { project, config, stateFile: link } = serve;
  const real = project.path('data/state.db');
  mkdirSync(project.path('data'));
  mkdirSync(config.stateDirAbs, { recursive: true });
  symlinkSync(real, link);
  return { link, real };
}

async function sendThrough(link: string) {
  const { project } = serve;
  const outbox = project.path('outbox');
  const report = await sendIssue({
    issueDir: 'issues/2026-W48',
    subscribersFile: 'subscribers.example.json',
    cwd: project.dir,
    env: { ROLECAST_SECRET: SECRET },
    stateFile: link,
    outbox,
  });
  return { report, written: await readdir(outbox) };
}

describe('the unsubscribe journal of a state file reached through a link', () => {
  it('an unsubscribe taken after the link was pointed at a restored copy is applied by the next send', async () => {
    const { project, config } = serve;
    const { link } = linkedState();
    db = openStateDb(link);
    const server = await startUnsubscribeServer({
      config,
      secret: SECRET,
      suppressions: stateSuppressionList(db, { writeWaitMs: 100 }),
      port: 0,
      replayIntervalMs: 60_000,
    });
    serve.server = server;
    // A restore by re-pointing the link at a copy, as a deploy that switches folders does.
    const restored = project.path('restored/state.db');
    mkdirSync(project.path('restored'));
    db.prepare('VACUUM INTO ?').run(restored);
    rmSync(link);
    symlinkSync(restored, link);

    const response = await postOneClick(server, config, SECRET, READER);
    expect(response.status).toBe(200);
    await server.close();
    serve.server = undefined;
    db.close();
    db = undefined;

    const { report, written } = await sendThrough(link);
    expect(written).not.toContain(`${READER}.eml`);
    expect(report.total.skipped.suppressed).toBe(1);
  });

  it('a journal the previous release left beside the link is applied by the next send', async () => {
    const { link } = linkedState();
    openStateDb(link).close();
    const entry = { email: READER, reason: 'unsubscribe', source: 'one-click', at: '2026-11-30T08:00:00.000Z' };
    writeFileSync(`${link}.unsubscribe-journal`, `${JSON.stringify(entry)}\n`);

    const { report, written } = await sendThrough(link);
    expect(written).not.toContain(`${READER}.eml`);
    expect(report.total.skipped.suppressed).toBe(1);
  });
});
