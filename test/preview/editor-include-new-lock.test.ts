import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHolder } from '../helpers/lock-holder.js';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The editor panel adds a pool entry no issue has used; `rolecast new` picks the same kind of
 * entry. A panel write while a new was picking put one story in both issues. The panel now takes
 * new's lock of the issues folder to include a summary, so it waits for the run, then sees the
 * entry taken.
 */

const MANIFEST = `${ISSUE_DIR}/issue.json`;
const POOL_PIECE = 'Pool Hygiene for Small Teams\nSummary\nA short piece on a tidy pool.\nBest for: CTO\n';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function save(f: PreviewFixture, edit: unknown) {
  const page = await (await fetch(f.preview.url)).text();
  const version = /data-issue-version="([^"]+)"/.exec(page)?.[1];
  const response = await fetch(new URL('/__edit', f.preview.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Rolecast-Token': f.preview.token },
    body: JSON.stringify({ version, edit }),
  });
  return { status: response.status, ...((await response.json()) as { error?: string }) };
}

/** Resolves once the preview's log holds `text`; polls a bounded number of times. */
async function logged(f: PreviewFixture, text: string): Promise<boolean> {
  for (let look = 0; look < 600; look++) {
    if (f.logs.some((line) => line.includes(text))) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}

describe('including a pool entry from the editor panel while rolecast new runs', () => {
  it('waits for the run holding the issues folder, then refuses the entry that run took', async () => {
    fixture = await startFixture({ files: { 'issues/_pool/pool-piece.txt': POOL_PIECE } });
    const before = await readFile(fixture.project.path(MANIFEST), 'utf8');
    const run = await lockHolder();
    try {
      await fixture.project.write('issues/.rolecast-new.lock', run.row);
      let settled = false;
      const saved = save(fixture, { op: 'include', path: 'pool:pool-piece' }).finally(() => {
        settled = true;
      });
      const waited = await Promise.race([logged(fixture, 'waiting for another rolecast new'), saved.then(() => false)]);
      expect(waited).toBe(true);
      expect(settled).toBe(false);
      expect(await readFile(fixture.project.path(MANIFEST), 'utf8')).toBe(before);
      // Meanwhile the run writes its issue, taking the entry, and ends.
      await fixture.project.write(
        'issues/2026-W49/issue.json',
        `${JSON.stringify({ ...JSON.parse(before), summaries: ['pool:pool-piece'] }, null, 2)}\n`,
      );
      run.child.kill('SIGKILL');
      const outcome = await saved;
      expect(outcome.status).toBe(422);
      expect(outcome.error).toContain('"pool:pool-piece" is not a summary file this issue can include');
      expect(await readFile(fixture.project.path(MANIFEST), 'utf8')).toBe(before);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
