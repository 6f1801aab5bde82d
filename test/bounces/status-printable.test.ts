import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyEvents, sqliteBounceStore } from '../../src/bounces/index.js';
import { loadConfig } from '../../src/config/load.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb } from '../../src/send/store.js';
import { bounceEvent } from '../helpers/bounces.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

const NOW = new Date('2026-12-01T12:00:00Z');
let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

it("status prints a bounce's source and status without the terminal acting on their control characters", async () => {
  const config = await loadConfig({ cwd: project.dir });
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  try {
    openLedger(db, '2026-W48', 'smtp', () => NOW).record({
      email: 'r0@example.com',
      variantId: 'v',
      status: 'sent',
      messageId: '<m0@rolecast.example>',
      responseCode: 250,
      response: '250 ok',
      attempts: 1,
    });
    // A mailbox file named with an escape sequence and a line break, as a stray download may be.
    const event = {
      ...bounceEvent('hard', 'r0@example.com', 'e1', '<m0@rolecast.example>', NOW),
      source: 'import:mail\u001b[2J\nbox.mbox',
      status: '5.1.1\u001b[31m',
    };
    await applyEvents(sqliteBounceStore(db), [event], { softLimit: 3, now: NOW });
  } finally {
    db.close();
  }
  const run = await runMain(project.dir, ['status', 'issues/2026-W48']);
  expect(run.code, run.all).toBe(0);
  const line = run.out.split('\n').find((l) => l.includes('r0@example.com'));
  expect(line).toBeDefined();
  expect(line).toContain('import:mail');
  expect(line).toContain('box.mbox');
  expect(run.out).not.toMatch(/\u001b/);
});
