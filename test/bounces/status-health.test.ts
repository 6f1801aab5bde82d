import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyEvents,
  type BounceEvent,
  listHealth,
  readListHealth,
  sqliteBounceStore,
} from '../../src/bounces/index.js';
import { loadConfig } from '../../src/config/load.js';
import { checksPanel } from '../../src/preview/pages/checks.js';
import { listHealthPanel } from '../../src/preview/pages/list-health.js';
import { buildSnapshot, type ReadySnapshot } from '../../src/preview/snapshot.js';
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

const event = (kind: BounceEvent['kind'], address: string, id: string, messageId: string) =>
  bounceEvent(kind, address, id, messageId, NOW);

/** An issue sent to `sent` readers over SMTP, one hard bounce and one complaint among them. */
async function seed(sent: number) {
  const config = await loadConfig({ cwd: project.dir });
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  try {
    const ledger = openLedger(db, '2026-W48', 'smtp', () => new Date('2026-11-30T08:00:00Z'));
    for (let i = 0; i < sent; i++)
      ledger.record({
        email: `r${i}@example.com`,
        variantId: 'v',
        status: 'sent',
        messageId: `<m${i}@rolecast.example>`,
        responseCode: 250,
        response: '250 ok',
        attempts: 1,
      });
    await applyEvents(
      sqliteBounceStore(db),
      [
        event('hard', 'r0@example.com', 'e1', '<m0@rolecast.example>'),
        event('complaint', 'r1@example.com', 'e2', '<m1@rolecast.example>'),
      ],
      { softLimit: 3, now: NOW },
    );
  } finally {
    db.close();
  }
  return config;
}

describe('status shows bounces and complaints per issue', () => {
  it('prints counts, rates and each decision; --json carries the events', async () => {
    await seed(4);
    const text = await runMain(project.dir, ['status', 'issues/2026-W48']);
    expect(text.code, text.all).toBe(0);
    expect(text.out).toContain(
      '2026-W48 bounces: 1 hard, 0 soft, 1 complaint(s) of 4 sent (bounce rate 25.0 %, complaint rate 25.0 %)',
    );
    expect(text.out).toMatch(/✗ r0@example\.com \[hard 5\.1\.1, suppressed, import:test\]: 550 5\.1\.1 user unknown/);
    const json = await runMain(project.dir, ['status', 'issues/2026-W48', '--json']);
    const parsed = JSON.parse(json.out) as { bounces: { hard: number; complaints: number; events: unknown[] } };
    expect(parsed.bounces).toMatchObject({ hard: 1, complaints: 1 });
    expect(parsed.bounces.events).toHaveLength(2);
  });

  it('bounces list prints every stored decision', async () => {
    await seed(2);
    const run = await runMain(project.dir, ['bounces', 'list', '--issue', '2026-W48']);
    expect(run.code, run.all).toBe(0);
    expect(run.out.trim().split('\n')).toHaveLength(2);
    expect(run.err).toContain('2 bounce(s) and complaint(s)');
  });
});

describe('list health against the Gmail and Yahoo bulk-sender thresholds', () => {
  it.each([
    [10_000, 5, 'ok'],
    [10_000, 10, 'warn'],
    [10_000, 29, 'warn'],
    [10_000, 30, 'over'],
  ] as const)('%i sent, %i complaints → %s', (sent, complaints, status) => {
    const health = listHealth([{ issueId: 'x', sent, firstSentAt: '2026-11-30', hard: 0, soft: 0, complaints }]);
    expect(health.issues[0]!.complaintStatus).toBe(status);
  });

  it('takes the newest issues sent over SMTP and sums them', () => {
    const counts = Array.from({ length: 7 }, (_, i) => ({
      issueId: `2026-W${40 + i}`,
      sent: 1000,
      firstSentAt: `2026-10-0${i + 1}`,
      hard: 5,
      soft: 5,
      complaints: 1,
    })).reverse();
    const health = listHealth(counts, 5);
    expect(health.issues.map((h) => h.issueId)).toEqual(['2026-W46', '2026-W45', '2026-W44', '2026-W43', '2026-W42']);
    expect(health.overall).toMatchObject({
      sent: 5000,
      bounced: 50,
      complaints: 5,
      complaintRate: 0.001,
      complaintStatus: 'warn',
    });
  });

  it('the preview checks panel shows the rates read from the state file, flagging a rate over the limit', async () => {
    const config = await seed(4);
    const health = await readListHealth(config);
    expect(health?.issues).toEqual([
      expect.objectContaining({ issueId: '2026-W48', sent: 4, bounced: 1, complaints: 1 }),
    ]);
    const panel = listHealthPanel(health).value;
    expect(panel).toContain('List health');
    expect(panel).toContain('over the limit');
    expect(panel).toContain('below 0.30 %');
    expect(listHealthPanel(undefined).value).toContain('No issue sent over SMTP yet');

    const snapshot = await buildSnapshot(
      { issueDir: 'issues/2026-W48', subscribersFile: 'subscribers.example.json', cwd: project.dir },
      1,
    );
    expect(snapshot.ok).toBe(true);
    const html = checksPanel(snapshot as ReadySnapshot).value;
    expect(html).toContain('data-issue="2026-W48"');
    expect(html).toContain('25.0 %');
  });
});
