import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditProject } from '../../src/group/audit.js';
import { loadProject } from '../../src/load/project.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import type { DeliveryStatus } from '../../src/send/ledger.js';
import { type PlanOptions, planDelivery } from '../../src/send/plan.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

const project = await loadProject({
  issueDir: EXAMPLE_ISSUE,
  subscribersFile: join(REPO_ROOT, 'subscribers.example.json'),
  cwd: REPO_ROOT,
});

/**
 * A list of every kind of reader, in a mixed order: the example's readers repeated under new
 * addresses (role arrays shared, as a loaded list has them, and copied, as a store has them),
 * unsubscribed, suppressed, with no role this issue covers, with a role nobody writes about.
 */
function mixedList(count: number): Subscriber[] {
  const base = project.subscribers!;
  return Array.from({ length: count }, (_, i) => {
    const from = base[i % base.length]!;
    const roles = i % 17 === 3 ? ['Nobody Role'] : i % 5 === 0 ? [...from.roles] : from.roles;
    return {
      ...from,
      email: `reader${i}@example.com`,
      roles,
      status: i % 9 === 4 ? 'unsubscribed' : 'active',
    } satisfies Subscriber;
  });
}

const list = mixedList(600);
const suppressed = new Set(list.filter((_, i) => i % 13 === 7).map((s) => s.email));
const recorded = new Map<string, DeliveryStatus>(
  list.flatMap((s, i): [string, DeliveryStatus][] =>
    i % 7 === 1 ? [[s.email, 'sent']] : i % 11 === 2 ? [[s.email, 'failed']] : [],
  ),
);

const options = (extra: Partial<PlanOptions>): PlanOptions => ({
  segments: [],
  isSuppressed: (email) => suppressed.has(email),
  suppressionReason: (email) => (email.endsWith('7@example.com') ? 'bounce' : 'unsubscribe'),
  recorded,
  resend: false,
  retryFailed: false,
  mode: 'dry-run',
  destination: undefined,
  ...extra,
});

const finished = (plan: ReturnType<typeof planDelivery>) => plan.report.finish({ interrupted: false, elapsedMs: 0 });
const emails = (recipients: Iterable<{ subscriber: Subscriber; variantId: string }>) =>
  [...recipients].map((r) => `${r.subscriber.email} ${r.variantId}`);

describe('a plan made as the readers are read', () => {
  const segmentsOf = project.issue.summaries[0]!.roles.slice(0, 1);
  for (const [label, extra] of [
    ['everyone', {}],
    ['a segment', { segments: segmentsOf }],
    ['a resend', { resend: true, alreadyResent: new Set(['reader1@example.com']) }],
    ['a retry of failures', { retryFailed: true }],
    ['a first run', { recorded: new Map() }],
  ] as [string, Partial<PlanOptions>][]) {
    it(`counts a dry run of ${label} exactly as a kept plan does, keeping no record per reader`, () => {
      const kept = planDelivery(project, list, options(extra));
      const counted = planDelivery(project, list, options({ ...extra, countOnly: true }));
      expect(kept.toSend.length).toBeGreaterThan(0);
      expect(finished(counted)).toEqual(finished(kept));
      expect(counted.audienceSize).toBe(kept.audience.recipients.length);
      expect(counted.toSend).toHaveLength(0);
      expect(counted.sending).toHaveLength(0);
      expect(counted.audience.recipients).toHaveLength(0);
      expect(counted.audience.skipped).toHaveLength(0);
      expect(counted.audience.variants).toEqual(kept.audience.variants);
    });

    it(`sends ${label} to the same readers, in the same order, from a compact plan`, () => {
      const kept = planDelivery(project, list, options(extra));
      const compact = planDelivery(project, list, options({ ...extra, compact: true }));
      expect(emails(compact.sending)).toEqual(emails(kept.toSend));
      expect(compact.sending.length).toBe(kept.toSend.length);
      expect(compact.audienceSize).toBe(kept.audience.recipients.length);
      expect(finished(compact)).toEqual(finished(kept));
      // Nothing suppressed or unsubscribed is reachable from the compact plan.
      for (const { subscriber } of compact.sending) {
        expect(suppressed.has(subscriber.email)).toBe(false);
        expect(subscriber.status).toBe('active');
      }
      expect(compact.toSend).toHaveLength(0);
      expect(compact.audience.recipients).toHaveLength(0);
    });
  }

  it('audits a counted plan exactly as a kept one, and as one with its lists alone', () => {
    const kept = planDelivery(project, list, options({}));
    const counted = planDelivery(project, list, options({ countOnly: true }));
    const listsOnly = { ...kept.audience, tally: undefined };
    const warnings = auditProject(project, kept.audience);
    expect(warnings.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/role "Nobody Role" has \d+ reader\(s\)/),
        expect.stringMatching(/reader\(s\) get nothing this issue: .* and \d+ more/),
      ]),
    );
    expect(auditProject(project, counted.audience)).toEqual(warnings);
    expect(auditProject(project, listsOnly)).toEqual(warnings);
  });
});
