import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import type { PlanOptions } from '../../src/send/plan.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

// Every report the plan makes counts the calls it is given. Test files share one module registry,
// so the plan is imported afresh here, after the counting report is put in place, and the registry
// is reset again once this file is done.
const calls = { n: 0 };
vi.doMock('../../src/send/report.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/send/report.js')>();
  return {
    ...real,
    createReport: (...args: Parameters<typeof real.createReport>) => {
      const report = real.createReport(...args);
      const { plan, skip } = report;
      report.plan = (...a) => {
        calls.n++;
        plan(...a);
      };
      report.skip = (...a) => {
        calls.n++;
        skip(...a);
      };
      return report;
    },
  };
});
vi.resetModules();
const { loadProject } = await import('../../src/load/project.js');
const { planDelivery } = await import('../../src/send/plan.js');
const { createReport } = await import('../../src/send/report.js');
afterAll(() => {
  vi.doUnmock('../../src/send/report.js');
  vi.resetModules();
});

const project = await loadProject({
  issueDir: EXAMPLE_ISSUE,
  subscribersFile: join(REPO_ROOT, 'subscribers.example.json'),
  cwd: REPO_ROOT,
});

const list: Subscriber[] = Array.from({ length: 3000 }, (_, i) => {
  const from = project.subscribers![i % project.subscribers!.length]!;
  return { ...from, email: `reader${i}@example.com`, status: i % 9 === 4 ? 'unsubscribed' : 'active' };
});

const options = (extra: Partial<PlanOptions>): PlanOptions => ({
  segments: [],
  isSuppressed: (email) => email.endsWith('7@example.com'),
  recorded: new Map(),
  resend: false,
  retryFailed: false,
  mode: 'dry-run',
  destination: undefined,
  ...extra,
});

describe('a counted plan', () => {
  it('hands the report one count per role set and kind, not one call per reader', () => {
    calls.n = 0;
    const kept = planDelivery(project, list, options({})).report.finish({ interrupted: false, elapsedMs: 0 });
    expect(calls.n).toBeGreaterThanOrEqual(list.length);
    calls.n = 0;
    const counted = planDelivery(project, list, options({ countOnly: true })).report.finish({
      interrupted: false,
      elapsedMs: 0,
    });
    const roleSets = new Set(project.subscribers!.map((s) => s.roles.join('|'))).size;
    // planned, unsubscribed, suppressed (and no content) per role set at most
    expect(calls.n).toBeLessThanOrEqual(roleSets * 4);
    expect(counted).toEqual(kept);
  });

  it('adds a count to every tally it touches', () => {
    const report = createReport('2026-W48', 'dry-run', undefined);
    report.variant('v1', ['CTO'], 2);
    report.plan(['CTO', 'Executive'], 'v1', 5);
    report.skip(['CTO'], 'v1', 'suppressed', 3);
    const { total, segments, variants } = report.finish({ interrupted: false, elapsedMs: 0 });
    expect(total.planned).toBe(5);
    expect(total.pending).toBe(5);
    expect(total.skipped.suppressed).toBe(3);
    expect(segments.map((s) => [s.segment, s.planned, s.skipped.suppressed])).toEqual([
      ['CTO', 5, 3],
      ['Executive', 5, 0],
    ]);
    expect(variants[0]!.planned).toBe(5);
  });
});
