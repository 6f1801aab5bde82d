import { utimes } from 'node:fs/promises';
import { parseConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { type TempProject, tempProject } from '../helpers/project.js';

export const CONFIG = {
  sender: { name: 'Weekly', email: 'digest@example.com' },
  listId: 'weekly.example.com',
  footer: { postalAddress: '1 Example Lane' },
  timezone: 'Europe/Berlin',
};

export const ROLES = 'roles:\n  - name: CTO\n  - name: Executive\n    aliases: [CEO]\n  - name: Designer\n';

/** Summaries in all three formats, each with a date, one a draft. */
export const POOL_FILES: Record<string, string> = {
  'summaries/queues.txt':
    'Queues\nDate: 2026-11-27\nSummary\nQueues absorb bursts.\nBest for: CTO, CEO\nEditorial summary by Rolecast.\n',
  'summaries/flags.json': JSON.stringify({
    title: 'Flags',
    summary: 'Retire flags.',
    roles: ['CTO'],
    date: '2026-11-25',
  }),
  'summaries/focus.md': '---\ntitle: Focus\ndate: 2026-11-20\nroles: [Executive]\n---\n\nProtect focus time.\n',
  'summaries/contracts.md':
    '---\ntitle: Contracts\ndate: 2026-11-28\nstatus: draft\nroles: [Designer]\n---\n\nAgree the schema.\n',
};

export async function poolProject(
  files: Record<string, string> = {},
  config: Record<string, unknown> = {},
): Promise<{ project: TempProject; config: ResolvedConfig }> {
  const settings = { ...CONFIG, ...config };
  const project = await tempProject({
    files: { 'rolecast.config.json': JSON.stringify(settings), 'roles.yaml': ROLES, ...POOL_FILES, ...files },
  });
  return { project, config: parseConfig(JSON.stringify(settings), project.path('rolecast.config.json')) };
}

/** Gives a file a fixed modification time, for the date fallback. */
export async function touch(file: string, iso: string): Promise<void> {
  const when = new Date(iso);
  await utimes(file, when, when);
}

/**
 * A pool whose only Designer summary is too long for a 30 KB issue: `new` leaves it out for size,
 * so Designer has none this week.
 */
export async function oversizedDesignerPool(): Promise<Awaited<ReturnType<typeof poolProject>>> {
  const long = Array.from({ length: 600 }, (_, i) => `Sentence ${i} on how design reviews catch problems early.`);
  return poolProject(
    {
      'summaries/design-reviews.json': JSON.stringify({
        title: 'Design reviews at scale',
        summary: long.join(' '),
        roles: ['Designer'],
        url: 'https://example.org/design-reviews',
        date: '2026-11-26',
      }),
    },
    { sizeLimitKb: 30, sizeWarnKb: 25 },
  );
}
