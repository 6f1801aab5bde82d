import { expect, it } from 'vitest';
import { auditIssue } from '../../src/group/audit.js';
import { planAudience } from '../../src/group/index.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { SummarySchema } from '../../src/model/summary.js';

/** The "get nothing" warning names readers the editor did not accept as quiet, wherever they stand in the list. */

const summaries = [SummarySchema.parse({ id: 'a', title: 'A', summary: 's', roles: ['CTO'] })];
const designers = ['Designer'];
const gardeners = ['Gardener'];
const readers: Subscriber[] = [
  ...Array.from({ length: 25 }, (_, i): Subscriber => ({ email: `d${i}@x.io`, roles: designers, status: 'active' })),
  { email: 'g1@x.io', roles: gardeners, status: 'active' },
  { email: 'g2@x.io', roles: gardeners, status: 'active' },
  { email: 'cto@x.io', roles: ['CTO'], status: 'active' },
];

const audit = (plan: ReturnType<typeof planAudience>) =>
  auditIssue({
    issueId: 'x',
    manifestFile: 'issue.json',
    date: '2026-11-30',
    timezone: 'UTC',
    summaries,
    summaryFile: (id) => id,
    plan,
    subscribersFile: 'subscribers.json',
    quietRoles: ['Designer'],
  })
    .filter((p) => p.message.includes('get nothing'))
    .map((p) => p.message);

it('names a reader after the first few who all hold quiet roles, streamed or listed', () => {
  const expected = ['2 reader(s) get nothing this issue: g1@x.io (Gardener) and 1 more'];
  expect(audit(planAudience(summaries, [], readers))).toEqual(expected);
  const streamed = planAudience(summaries, [], readers, undefined, { recipient() {}, skipped() {} });
  expect(audit(streamed)).toEqual(expected);
});
