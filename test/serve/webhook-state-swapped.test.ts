import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalPath } from '../../src/serve/index.js';
import { webhookServeOverState } from './_webhook-state.js';

/**
 * A bounce or complaint webhook while the state file `serve` opened is no longer at its path
 * (restored from a backup, deleted): its suppression goes to the journal beside the file now at the
 * path, which the next send applies, as a one-click unsubscribe does. A provider that retries only
 * for a short while would otherwise lose the complaint, and the reader be mailed again.
 */

const READER = 'priya.raman@example.com';
const serve = webhookServeOverState('webhook-swapped-secret-0123456789abcdef');

/** A restore as the README describes it: the copy moved into place, the old log and index deleted. */
function restoreFromBackup(): void {
  const backup = serve.project.path('state-backup.db');
  serve.db.prepare('VACUUM INTO ?').run(backup);
  copyFileSync(backup, `${serve.stateFile}.restoring`);
  renameSync(`${serve.stateFile}.restoring`, serve.stateFile);
  rmSync(`${serve.stateFile}-wal`, { force: true });
  rmSync(`${serve.stateFile}-shm`, { force: true });
}

describe('a webhook while the state file serve opened is no longer at its path', () => {
  it('a complaint after a restore from a backup is journaled, and the next send does not mail the reader', async () => {
    await serve.start();
    restoreFromBackup();

    const response = await serve.postmark('SpamComplaint', READER, 7);
    expect(response.status).toBe(200);
    const journal = readFileSync(journalPath(serve.stateFile), 'utf8');
    expect(journal).toContain(READER);
    expect(journal).toContain('"reason":"complaint"');
    // Nothing went into the file no send reads any more.
    expect(serve.db.prepare('SELECT COUNT(*) FROM suppressions').pluck().get()).toBe(0);

    const { files, complained } = await serve.sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(files).toContain('zoe.hartmann@example.net.eml');
    expect(complained).toBe(1);
  });

  it('a hard bounce after the state file was deleted is journaled where the next send looks', async () => {
    await serve.start();
    rmSync(serve.stateFile);
    rmSync(`${serve.stateFile}-wal`, { force: true });

    expect((await serve.postmark('HardBounce', READER, 8)).status).toBe(200);
    const { files } = await serve.sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
  });

  it('a provider retrying the same complaint changes nothing more', async () => {
    await serve.start();
    restoreFromBackup();
    expect((await serve.postmark('SpamComplaint', READER, 9)).status).toBe(200);
    expect((await serve.postmark('SpamComplaint', READER, 9)).status).toBe(200);
    const { files, complained } = await serve.sendToOutbox();
    expect(files).not.toContain(`${READER}.eml`);
    expect(complained).toBe(1);
  });

  it('a soft bounce, which only counts, is answered 503 so the provider retries', async () => {
    await serve.start();
    restoreFromBackup();
    const response = await serve.postmark('SoftBounce', READER, 10);
    expect(response.status).toBe(503);
    expect(serve.logged.join('\n')).toContain(
      `the state file ${serve.stateFile} was replaced by another file after it was opened`,
    );
    expect(existsSync(journalPath(serve.stateFile))).toBe(false);
  });

  it('with the state folder gone too, a complaint is answered 503 and nothing is written', async () => {
    await serve.start();
    rmSync(serve.config.stateDirAbs, { recursive: true, force: true });
    const response = await serve.postmark('SpamComplaint', READER, 11);
    expect(response.status).toBe(503);
    expect(existsSync(serve.config.stateDirAbs)).toBe(false);
  });
});
