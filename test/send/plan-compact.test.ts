import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { loadProject, subscriberTable } from '../../src/load/project.js';
import type { DeliveryStatus } from '../../src/send/ledger.js';
import { countByVariant, type PlanOptions, planDelivery } from '../../src/send/plan.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

const project = await loadProject({
  issueDir: EXAMPLE_ISSUE,
  subscribersFile: join(REPO_ROOT, 'subscribers.example.json'),
  cwd: REPO_ROOT,
});
const subscribers = project.subscribers!;
const options = (recorded: Map<string, DeliveryStatus>): PlanOptions => ({
  segments: [],
  isSuppressed: () => false,
  recorded,
  resend: false,
  retryFailed: false,
  mode: 'dry-run',
  destination: undefined,
});

describe('a compact delivery plan', () => {
  it('sends a first run from the audience list itself, not a copy', () => {
    const plan = planDelivery(project, subscribers, options(new Map()));
    expect(plan.toSend).toBe(plan.audience.recipients);
    expect(plan.toSend.length).toBeGreaterThan(2);
  });

  it('leaves out recorded readers wherever they are, keeping file order', () => {
    const all = planDelivery(project, subscribers, options(new Map())).toSend.map((r) => r.subscriber.email);
    const second = all[1]!;
    const last = all.at(-1)!;
    // Recorded under their canonical form: a capital in the file still matches.
    const recorded = new Map<string, DeliveryStatus>([
      [second.toLowerCase(), 'sent'],
      [last.toLowerCase(), 'failed'],
    ]);
    const plan = planDelivery(project, subscribers, options(recorded));
    expect(plan.toSend.map((r) => r.subscriber.email)).toEqual(all.filter((e) => e !== second && e !== last));
    expect(plan.audience.recipients.map((r) => r.subscriber.email)).toEqual(all);
    expect(plan.report.total).toMatchObject({ planned: all.length - 2 });
  });

  it('gives the same variants when role sets are shared arrays or copies', () => {
    const shared = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], subscribers);
    const copied = planAudience(
      project.issue.summaries,
      project.issue.manifest.roleOrder ?? [],
      subscribers.map((s) => ({ ...s, roles: [...s.roles] })),
    );
    expect(shared.recipients.map((r) => r.variantId)).toEqual(copied.recipients.map((r) => r.variantId));
    expect(shared.variants).toEqual(copied.variants);
  });

  it('plans the same readers and variants from the loaded table as from the array', () => {
    const table = subscriberTable(project)!;
    const emails = subscribers.map((s) => s.email);
    const recorded = new Map<string, DeliveryStatus>([[emails[2]!.toLowerCase(), 'sent']]);
    const filters = [
      { segments: [] as string[] },
      { segments: [project.taxonomy.lookup('CTO')!] },
      { segments: [] as string[], onlyEmails: new Set([emails[0]!, emails[3]!, emails.at(-1)!.toUpperCase()]) },
    ];
    for (const filter of filters) {
      const base = { ...options(recorded), ...filter, isSuppressed: (email: string) => email === emails[1] };
      const kept = planDelivery(project, subscribers, base).toSend;
      const compact = [...planDelivery(project, table, { ...base, compact: true }).sending];
      expect(compact.map((r) => [r.subscriber, r.variantId])).toEqual(kept.map((r) => [r.subscriber, r.variantId]));
      expect(compact.length).toBeGreaterThan(0);
      // Readers per variant, counted from the table's own arrays and from the readers alike.
      const counted = new Map<string, number>();
      for (const { variantId } of kept) counted.set(variantId, (counted.get(variantId) ?? 0) + 1);
      const compactPlan = planDelivery(project, table, { ...base, compact: true }).sending;
      expect(compactPlan.variantCounts).toBeDefined();
      expect(countByVariant(compactPlan)).toEqual(counted);
      expect(countByVariant(planDelivery(project, subscribers, base).sending)).toEqual(counted);
    }
  });
});
