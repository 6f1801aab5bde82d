import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, onTestFinished } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import type { Project } from '../../src/load/project.js';
import type { IssueManifest } from '../../src/model/issue.js';
import { SummarySchema } from '../../src/model/summary.js';
import type { FieldValues } from '../../src/render/_personal.js';
import { createRenderer, type PersonalFields } from '../../src/render/index.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { REPO_ROOT } from '../helpers/project.js';

/** The run's own state folder (see global-setup.ts), so fixture renders keep no cache in the repo. */
const FIXTURE_STATE_DIR = inject('fixtureStateDir');

export const BASE_CONFIG: ConfigInput = {
  sender: { name: 'Test Weekly', email: 'digest@test.example' },
  listId: 'weekly.test.example',
  brand: { name: 'Test Weekly', primaryColor: '#1f3a5f', accentColor: '#e8590c', backgroundColor: '#f3f4f6' },
  footer: { postalAddress: '1 Test Street · Berlin' },
  urls: {
    unsubscribe: 'https://test.example/unsubscribe',
    preferences: 'https://test.example/preferences',
    archive: 'https://test.example/archive',
  },
  timezone: 'Europe/Berlin',
  locale: 'en-GB',
};

export interface SummaryInput {
  id: string;
  roles: string[];
  title?: string;
  summary?: string;
  takeaway?: string;
  url?: string;
  principles?: string[];
  practice?: string[];
  insights?: string;
  topics?: string[];
  source?: string;
}

/** An in-memory project: no files except the templates (the built-in ones unless `templatesDir`). */
export function fixtureProject(
  options: {
    summaries?: SummaryInput[];
    config?: Partial<ConfigInput>;
    manifest?: Partial<IssueManifest>;
    templatesDir?: string;
  } = {},
): Project {
  const config = parseConfig(
    JSON.stringify({ ...BASE_CONFIG, ...options.config }),
    join(REPO_ROOT, 'rolecast.config.json'),
  );
  if (options.templatesDir) config.templatesDir = options.templatesDir;
  // A state folder of the test process's own: renders keep their MJML cache there, not in the repo's.
  config.stateDirAbs = FIXTURE_STATE_DIR;
  const summaries = (
    options.summaries ?? [
      { id: 'one', roles: ['CTO', 'Executive'], url: 'https://example.com/one' },
      { id: 'two', roles: ['Executive'] },
    ]
  ).map((s) =>
    SummarySchema.parse({ title: `Title ${s.id}`, summary: `Summary of ${s.id}.`, takeaway: `Takeaway ${s.id}`, ...s }),
  );
  const manifest: IssueManifest = {
    subject: 'Test Weekly · Week {{week}}: {{roles}}',
    date: '2026-11-26',
    title: 'Test Weekly',
    summaries: summaries.map((s) => `${s.id}.txt`),
    roleOrder: [],
    ...options.manifest,
  };
  return {
    config,
    taxonomy: createTaxonomy([
      { name: 'CTO', aliases: [] },
      { name: 'Executive', aliases: [] },
    ]),
    issue: { id: '2026-W48', dir: join(REPO_ROOT, 'issues/2026-W48'), manifest, summaries, files: new Map() },
    subscribers: undefined,
    problems: [],
  };
}

/** Two readers for comparing rendered output: links, a non-ASCII name with markup, two languages. */
export const SAMPLE_READERS: PersonalFields[] = [
  {
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    locale: 'en-GB',
    timezone: 'Europe/London',
    unsubscribeUrl: 'https://test.example/u?token=a&list=b',
    preferencesUrl: 'https://test.example/p?token=a',
    viewOnlineUrl: 'https://test.example/archive/2026-W48/',
    sentAt: new Date('2026-11-26T08:00:00Z'),
  },
  {
    email: 'jörg@example.de',
    name: 'Jörg <Müller> & Co',
    locale: 'de-DE',
    timezone: 'Europe/Berlin',
    unsubscribeUrl: 'https://test.example/u?token=c',
  },
];

/** The message a CTO reader (SAMPLE_READERS' first) gets of an issue of `summaries`. */
export async function ctoMessage(summaries: SummaryInput[], manifest?: Partial<IssueManifest>) {
  const project = fixtureProject({ summaries, manifest });
  const issue = project.issue;
  const variant = buildVariant(issue.summaries, effectiveRoleOrder(issue.summaries, issue.manifest.roleOrder), ['CTO']);
  return (await (await createRenderer(project)).compile(variant)).personalise(SAMPLE_READERS[0]!);
}

/** Five summaries over five roles, each shape of card among them: the role-set tests' issue. */
export const SUMMARIES: SummaryInput[] = [
  { id: 'gateway', roles: ['CTO', 'Architect'], url: 'https://example.com/gateway', insights: 'Gateways pay off.' },
  { id: 'pricing', roles: ['Product', 'CTO'], principles: ['Small bets'], practice: ['Test', 'Learn', 'Ship'] },
  { id: 'evals', roles: ['Architect', 'Data'], url: 'https://example.com/evals', topics: ['Evals', 'Quality'] },
  { id: 'board', roles: ['Executive'], source: 'Board Review' },
  { id: 'oncall', roles: ['Data', 'Executive', 'CTO'], summary: 'First paragraph.\n\nSecond paragraph.' },
];

/**
 * A copy of the built-in templates with some files rewritten, for a project's `templatesDir`.
 * Each edit must change its file: one that no longer matches would test nothing.
 */
export async function userTemplates(edits: Record<string, (source: string) => string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-templates-'));
  // Called inside a test: the copy goes when that test ends.
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await cp(join(REPO_ROOT, 'templates'), dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    const before = await readFile(path, 'utf8');
    const after = edit(before);
    expect(after).not.toBe(before);
    await writeFile(path, after);
  }
  return dir;
}

/** Role A to Role O. */
const ROLES = Array.from({ length: 15 }, (_, i) => `Role ${String.fromCharCode(65 + i)}`);

/** The same numbers every run. */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** 40 summaries, each for one to four of the 15 roles, of every card shape. */
export function generatedSummaries(): SummaryInput[] {
  const random = lcg(7);
  return Array.from({ length: 40 }, (_, i) => {
    const roles = ROLES.filter(() => random() < 0.15);
    if (roles.length === 0) roles.push(ROLES[i % ROLES.length]!);
    return {
      id: `story-${i}`,
      roles: roles.slice(0, 4),
      title: `Story ${i}: ${['Caching', 'Gateways', 'Evals', 'Pricing', 'On-call'][i % 5]} at scale`,
      summary: i % 3 === 0 ? `First paragraph of ${i}.\n\nSecond paragraph of ${i}.` : `Summary of story ${i}.`,
      ...(i % 2 === 0 ? { url: `https://example.com/story/${i}` } : {}),
      ...(i % 4 === 1 ? { insights: `Insight ${i} pays off.`, topics: ['Costs', 'Latency'] } : {}),
      ...(i % 5 === 2 ? { principles: ['Small bets'], practice: ['Measure', 'Ship'] } : {}),
      ...(i % 7 === 3 ? { source: 'Field Notes' } : {}),
    };
  });
}

/** `count` role sets drawn from the issue's roles, each role with odds 0.3, the same ones for a seed. */
export function roleSets(project: Project, count: number, seed: number): string[][] {
  const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
  const random = lcg(seed);
  return Array.from({ length: count }, () => {
    const roles = order.filter(() => random() < 0.3);
    return roles.length ? roles : [order[0]!];
  });
}

/** A sample reader's field values as the piece gates read them, with the role set's click value. */
export function gateValues(clickVariant: string): FieldValues {
  return {
    greetingName: 'Ana',
    dateLine: 'Week 48',
    sentTo: 'Sent to ana@example.com',
    unsubscribe: 'https://t.example/u?token=abc',
    preferences: 'https://t.example/p',
    viewOnline: 'https://t.example/archive/',
    sentAt: 'sj2k1a',
    clickVariant,
  };
}

/** Eight roles of a busy week (see BUSY_WEEK). */
export const BUSY_WEEK_ROLES = [
  'CTO',
  'Executive',
  'VP Eng',
  'AI Lead',
  'Architect',
  'Consultant',
  'Eng Manager',
  'Engineer',
];

const BUSY_LONG =
  'The platform group describes how a routine model upgrade exposed gaps in the way they measured quality, and how a small, curated evaluation set of three hundred real customer questions caught regressions that their benchmark scores missed entirely. They explain the budget trade-offs, the staffing they needed and the review process with product owners.';

/** Twenty long summaries, each for three or four of the eight roles: a busy week. */
export const BUSY_WEEK: SummaryInput[] = Array.from({ length: 20 }, (_, i) => ({
  id: `story-${String(i + 1).padStart(2, '0')}`,
  title: `Why team ${i + 1} rebuilt their evaluation pipeline before swapping models in production`,
  roles: [
    ...new Set([
      BUSY_WEEK_ROLES[i % 8]!,
      BUSY_WEEK_ROLES[(i + 3) % 8]!,
      BUSY_WEEK_ROLES[(i + 5) % 8]!,
      'Data Scientist',
    ]),
  ],
  url: `https://example.org/stories/${i + 1}`,
  summary: `${BUSY_LONG} ${BUSY_LONG}`,
  takeaway: 'Build the evaluation harness before the model swap, not after the incident; keep the set small and real.',
  insights: 'Benchmarks measure the model; a curated set measures your product.',
  principles: ['Measure on your own traffic.', 'Give the evaluation set an owner.', 'Treat a swap like a migration.'],
  practice: ['Sample real questions and label them.', 'Run the harness on both models.', 'Report regressions weekly.'],
  topics: ['Evaluation', 'Model Operations', 'Quality'],
  source: 'Northwind Analytics Engineering',
}));

/** A busy week whose first story is written in Arabic: its title, teaser, summary, takeaway and tips. */
export const ARABIC_WEEK: SummaryInput[] = [
  {
    ...BUSY_WEEK[0]!,
    title: 'لماذا أعاد الفريق بناء خط التقييم',
    insights: 'المعايير تقيس النموذج.',
    summary: 'يشرح الفريق كيف كشفت ترقية النموذج عن ثغرات.',
    takeaway: 'ابنِ أداة التقييم أولاً.',
    principles: ['قِس على حركة المرور لديك.'],
    practice: ['اختبر النموذجين.'],
  },
  ...BUSY_WEEK.slice(1, 4),
];

/** A reader's copy of the busy week with full cards (the editor edition without roles); `config` adds to the fixture's. */
export async function busyWeekCopy(
  roles: string[] | undefined,
  config: Record<string, unknown> = {},
  templatesDir?: string,
  week: typeof BUSY_WEEK = BUSY_WEEK,
) {
  const project = fixtureProject({
    summaries: week,
    config: { cards: { style: 'full' }, ...config },
    templatesDir,
  });
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), roles);
  return (await createRenderer(project)).compile(variant);
}
