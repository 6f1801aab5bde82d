import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { readAnalyticsAt } from '../analytics/read-at.js';
import { append } from '../append.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/schema.js';
import { hasErrors, type Problem, RolecastError, throwIfErrors } from '../errors.js';
import { buildVariant, effectiveRoleOrder } from '../group/index.js';
import { languageOf } from '../i18n/index.js';
import { displayPath } from '../load/_display.js';
import { isDraftSummaryWarning, MANIFEST_FILE } from '../load/issue.js';
import { inspectProject, type Project } from '../load/project.js';
import { decodeText } from '../load/summary.js';
import { weekLine } from '../render/dates.js';
import { createRenderer } from '../render/index.js';
import type { PersonalFields } from '../render/types.js';
import { describeLocation, stateLocation } from '../state/location.js';
import { writeWhole } from '../write-whole.js';
import { lockFolder } from './folder-lock.js';
import { type ArchiveEntry, type ArchiveSite, renderAtomFeed, renderIndexPage, withArchiveIcon } from './pages.js';
import { fingerprint, PUBLISHED_LIST, publishedList, readPublished, withdrawStale } from './published.js';
import { renderSummaryPage } from './summary-page.js';

/**
 * `rolecast archive`: every issue's editor edition as a static page, an index newest first and an
 * Atom feed. Pages are rendered for nobody: the personal fields get neutral values, so the output
 * can never hold a subscriber's name, address or unsubscribe token.
 */

export interface ArchiveOptions {
  /** The folder holding one folder per issue. */
  issuesDir: string;
  outDir: string;
  configFile?: string | undefined;
  cwd: string;
  /** Build the other issues when one is broken: its problems are reported and it is left out. */
  keepGoing?: boolean | undefined;
  /** Seals the MJML output cache (ROLECAST_SECRET), as a send does. */
  cacheSecret?: string | undefined;
  /** Today is judged by this clock, in the config's zone: issues dated later are not published yet. */
  now?: (() => Date) | undefined;
  /** Where sends are recorded (`--state`, DATABASE_URL): an issue dated today waits for its send. */
  stateFile?: string | undefined;
  databaseUrl?: string | undefined;
}

export interface ArchiveResult {
  entries: ArchiveEntry[];
  problems: Problem[];
  files: string[];
  /** Issue folders left out: drafts, issues dated later or dated today and not sent yet, and (with keepGoing) broken issues. */
  skipped: { dir: string; reason: 'draft' | 'broken' | 'future' | 'unsent' }[];
  /** Pages an earlier build published that this one took down, relative to the output folder. */
  withdrawn: string[];
  /** Pages no longer published that were left in place: changed since a build wrote them, or listed with no fingerprint. */
  left: string[];
  /** Where the state was looked for, and not found, for an issue dated today: it waits a day. */
  stateMissing?: string;
}

export async function buildArchive(options: ArchiveOptions): Promise<ArchiveResult> {
  const outDir = resolve(options.cwd, options.outDir);
  const lock = await lockFolder(outDir, options.cwd);
  try {
    return await build(options, outDir);
  } finally {
    await lock.release();
  }
}

async function build(options: ArchiveOptions, outDir: string): Promise<ArchiveResult> {
  const issuesDir = resolve(options.cwd, options.issuesDir);
  const config = await loadConfig({ file: options.configFile, cwd: options.cwd, near: issuesDir });
  const issueDirs = await findIssueDirs(issuesDir);
  if (issueDirs.length === 0) {
    throw new RolecastError('E_NOT_FOUND', `no issues found in ${options.issuesDir}`, {
      hint: `each issue is a folder with an ${MANIFEST_FILE}; pass the folder holding them with --issues`,
    });
  }
  const site = siteFor(config);
  const today = DateTime.fromJSDate((options.now ?? (() => new Date()))(), { zone: config.timezone }).toISODate()!;
  const location = stateLocation(config, { databaseUrl: options.databaseUrl }, options.cwd, options.stateFile);
  let stateMissing: string | undefined;
  /**
   * A send has started once the SMTP server took a message of it: a run to the outbox (a trial),
   * or one stopped before its first message (a server not reached, a refused login, an oversize
   * issue), records the issue's layout but has put it in nobody's inbox.
   */
  const sendStarted = async (issueId: string) => {
    const delivered = await readAnalyticsAt(config, location, async (store) =>
      (await store.facts(issueId)).deliveries.some((d) => d.delivered > 0),
    );
    // No state here at all: the build cannot tell a send that started elsewhere from none.
    if (delivered === undefined)
      stateMissing = location.kind === 'sqlite' ? displayPath(location.file, options.cwd) : describeLocation(location);
    return delivered === true;
  };
  const problems: Problem[] = [];
  const projects: Project[] = [];
  const skipped: ArchiveResult['skipped'] = [];
  for (const dir of issueDirs) {
    const taken = takenName(dir, options.cwd);
    if (taken) {
      problems.push(taken);
      if (options.keepGoing) skipped.push({ dir, reason: 'broken' });
      continue;
    }
    // A draft stays out of the public archive, so a half-written one must not stop the build.
    if (await isDraft(dir)) {
      skipped.push({ dir, reason: 'draft' });
      continue;
    }
    // Issues sent long ago share pool summaries as they did then: nothing to warn about, and
    // warning would read every manifest once per issue.
    // The pages are rendered for nobody, so the readers are never read.
    const loaded = await inspectProject({
      issueDir: dir,
      configFile: config.file,
      cwd: options.cwd,
      poolReuse: false,
      readers: false,
    });
    // The loader's reading is the one that counts: an issue it reads as a draft is never published.
    if (loaded.project?.issue.manifest.draft) {
      skipped.push({ dir, reason: 'draft' });
      continue;
    }
    // An issue dated after today is one being prepared: the archive must not publish it early.
    if (loaded.project && loaded.project.issue.manifest.date > today) {
      skipped.push({ dir, reason: 'future' });
      continue;
    }
    // Dated today, it goes online once its send has started: no reader may find it on the web
    // before it is in their inbox, whatever time of day it is sent.
    if (loaded.project?.issue.manifest.date === today && !(await sendStarted(loaded.project.issue.id))) {
      skipped.push({ dir, reason: 'unsent' });
      continue;
    }
    // A draft summary is an error here, reported once: the loader's warning about it gives way.
    const found = loaded.project
      ? [...loaded.problems.filter((p) => !isDraftSummaryWarning(p)), ...draftSummaries(loaded.project, options.cwd)]
      : loaded.problems;
    append(problems, found);
    if (loaded.project && !hasErrors(found)) projects.push(loaded.project);
    else if (options.keepGoing) skipped.push({ dir, reason: 'broken' });
  }
  if (!options.keepGoing) throwIfErrors(problems, 'the archive was not built');

  const pages: { entry: ArchiveEntry; html: string; summaries: { id: string; html: string }[] }[] = [];
  for (const project of projects) pages.push(await renderIssuePage(project, site, options.cacheSecret));
  pages.sort((a, b) => b.entry.date.localeCompare(a.entry.date) || b.entry.id.localeCompare(a.entry.id));
  const entries = pages.map((p) => p.entry);

  const writes = pages.flatMap(({ entry, html, summaries }) => [
    { file: join(outDir, entry.id, 'index.html'), content: html },
    ...summaries.map((summary) => ({ file: join(outDir, entry.id, summary.id, 'index.html'), content: summary.html })),
  ]);
  writes.push({ file: join(outDir, 'index.html'), content: renderIndexPage(site, entries) });
  writes.push({ file: join(outDir, 'feed.xml'), content: renderAtomFeed(site, entries) });
  const previous = await readPublished(outDir, options.cwd);
  // Listed before they are written: a build stopped half way (a full disk) leaves no page public
  // that the next build does not know to take down.
  const digests = new Map(writes.map((write) => [write.file, fingerprint(write.content)]));
  const planned = publishedList(outDir, digests, previous);
  await writeAtomic(join(outDir, PUBLISHED_LIST), planned);
  const files: string[] = [];
  for (const { file, content } of writes) files.push(await writeAtomic(file, content));
  // A broken issue left out with keepGoing keeps the pages it had: a typo must not take it down.
  // So does one of today whose send this build cannot see (built where the state is not).
  const broken = new Set(
    skipped.filter((s) => s.reason === 'broken' || s.reason === 'unsent').map((s) => basename(s.dir)),
  );
  const kept = previous.files.filter((file) => broken.has(file.split('/')[0]!));
  const { removed: withdrawn, left } = await withdrawStale(outDir, previous, [
    ...files,
    ...kept.map((file) => join(outDir, file)),
  ]);
  const listed = publishedList(outDir, digests, { files: kept, sha256: previous.sha256 });
  await writeAtomic(join(outDir, PUBLISHED_LIST), listed);
  return { entries, problems, files, skipped, withdrawn, left, ...(stateMissing ? { stateMissing } : {}) };
}

/** Names the archive writes at the top of its folder: an issue folder so named would write over them. */
const SITE_FILES = new Set(['index.html', 'feed.xml']);

/**
 * An issue whose folder is named as a file the site holds at its top (`feed.xml`), or hidden (the
 * pages list), would have its pages written where that file goes, or be served by nobody.
 */
function takenName(dir: string, cwd: string): Problem | undefined {
  const name = basename(dir);
  if (!SITE_FILES.has(name) && !name.startsWith('.')) return undefined;
  return {
    severity: 'error',
    file: displayPath(join(dir, MANIFEST_FILE), cwd),
    message: `the issue folder "${name}" would be published as ${name}/, where the archive keeps ${name.startsWith('.') ? 'its own hidden files' : `its ${name}`}`,
    hint: 'rename the issue folder (its name is the issue id, as in 2026-W48); --keep-going publishes the other issues',
  };
}

/**
 * `"draft": true` in issue.json, read before (and without) validating the issue. Decoded and its
 * byte order mark skipped as the loader does (UTF-16, Windows-1252): otherwise such a draft would
 * load, and be published.
 */
async function isDraft(dir: string): Promise<boolean> {
  try {
    const { text } = decodeText(await readFile(join(dir, MANIFEST_FILE)));
    const manifest: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return typeof manifest === 'object' && manifest !== null && (manifest as { draft?: unknown }).draft === true;
  } catch {
    return false;
  }
}

/**
 * A summary marked `status: draft` is unfinished: a send refuses the issue holding it, and the
 * public archive publishes it no more than a send mails it.
 */
function draftSummaries(project: Project, cwd: string): Problem[] {
  return project.issue.summaries
    .filter((summary) => summary.status === 'draft')
    .map((summary) => ({
      severity: 'error' as const,
      file: displayPath(project.issue.files.get(summary.id) ?? project.issue.dir, cwd),
      field: 'status',
      message: `summary "${summary.id}" of ${project.issue.id} is marked draft: the archive publishes no draft, as a send sends none`,
      hint: 'set "status: ready" in it when it is done, or take it out of the issue; --keep-going publishes the other issues',
    }));
}

async function findIssueDirs(issuesDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(issuesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (cause) {
    throw new RolecastError('E_NOT_FOUND', `the issues folder ${issuesDir} could not be read`, {
      hint: 'pass the folder holding the issue folders with --issues',
      cause,
    });
  }
  return names
    .sort()
    .map((name) => join(issuesDir, name))
    .filter((dir) => existsSync(join(dir, MANIFEST_FILE)));
}

export function siteFor(config: ResolvedConfig): ArchiveSite {
  const baseUrl = config.urls.archive ? `${config.urls.archive.replace(/\/+$/, '')}/` : undefined;
  return {
    title: config.brand.name,
    lang: config.locale,
    baseUrl,
    atomId: baseUrl ?? `tag:${config.listId},2026:archive`,
    author: config.sender.name,
    primaryColor: config.brand.primaryColor,
  };
}

/**
 * Neutral personal fields: no address, no name (the greeting falls back to its generic form),
 * and an unsubscribe link to the preferences page or the archive itself instead of a signed one.
 */
export function neutralFields(config: ResolvedConfig, issueUrl: string, indexUrl: string): PersonalFields {
  return {
    email: '',
    name: undefined,
    unsubscribeUrl: config.urls.preferences ?? indexUrl,
    preferencesUrl: config.urls.preferences,
    viewOnlineUrl: issueUrl,
  };
}

async function renderIssuePage(
  project: Project,
  site: ArchiveSite,
  cacheSecret: string | undefined,
): Promise<{ entry: ArchiveEntry; html: string; summaries: { id: string; html: string }[] }> {
  const { config, issue } = project;
  const manifest = issue.manifest;
  // Full cards, every story: a web page no inbox clips. A card without an article link points at
  // its own page, one folder down.
  const renderer = await createRenderer(project, {
    cardStyle: 'full',
    headlines: false,
    cacheSecret,
    ...(site.baseUrl ? {} : { summaryHref: (id: string) => `${encodeURIComponent(id)}/` }),
  });
  const editor = buildVariant(
    issue.summaries,
    effectiveRoleOrder(issue.summaries, manifest.roleOrder ?? []),
    undefined,
  );
  const compiled = await renderer.compile(editor);
  const path = `${encodeURIComponent(issue.id)}/`;
  const href = site.baseUrl ? `${site.baseUrl}${path}` : path;
  const indexUrl = site.baseUrl ?? '../';
  const message = compiled.personalise(neutralFields(config, href, indexUrl));
  const title = manifest.title ? `${manifest.title} · ${issue.id}` : compiled.subject;
  const entry: ArchiveEntry = {
    id: issue.id,
    title,
    date: manifest.date,
    dateLine: weekLine(manifest.date, config.locale, config.timezone),
    updated: DateTime.fromISO(manifest.date, { zone: config.timezone }).toUTC().toISO({ suppressMilliseconds: true })!,
    summary: manifest.preheader ?? manifest.intro ?? issue.summaries.map((s) => s.title).join(' · '),
    href,
    atomId: site.baseUrl ? href : `tag:${config.listId},${manifest.date}:${issue.id}`,
  };
  const language = languageOf(config.locale);
  const summaries = issue.summaries.map((summary) => ({
    id: summary.id,
    html: renderSummaryPage({ site, language, summary, issueTitle: title, issueHref: site.baseUrl ? href : '../' }),
  }));
  return { entry, html: withArchiveIcon(message.html), summaries };
}

/** The page written whole (see writeWhole): a reader of the site never sees half a page. */
async function writeAtomic(file: string, content: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeWhole(file, content);
  return file;
}
