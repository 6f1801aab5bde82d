import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { ResolvedConfig } from '../config/schema.js';
import { type Problem, RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { MANIFEST_FILE, PICKED_FILE } from '../load/issue.js';
import type { SizeTrimNote } from '../load/size-trim-note.js';
import { diskFullOr } from '../write-whole.js';
import type { Pool, PoolEntry } from './index.js';
import { type PickedStory, pickedRecordText, storyFingerprint } from './picked-record.js';
import { type Selection, selectFromPool } from './select.js';
import { dateInWeek, nextWeek, weekStart, weeksInYear } from './week.js';

export interface NewIssuePlan {
  week: string;
  dir: string;
  manifest: Record<string, unknown>;
  selection: Selection;
  /** Picked summaries dated after the issue's date (or today, if later): newest first put them at the head. */
  warnings: Problem[];
}

/**
 * Plans `issues/<week>/issue.json` from the pool. Subject, title, role order and weekday carry over
 * from the newest existing issue, since they rarely change from week to week. Pure given the pool.
 */
export function planNewIssue(input: {
  pool: Pool;
  config: ResolvedConfig;
  taxonomyRoles: readonly string[];
  issuesDir: string;
  week?: string | undefined;
  now: Date;
  /** Ranks a role's candidates (see selectFromPool); newest first without it. */
  rank?: ((entry: PoolEntry, role: string) => number) | undefined;
  /** Roles readers hold, when known: they are picked for before roles no reader holds. */
  held?: ReadonlySet<string> | undefined;
}): NewIssuePlan {
  const { pool, config } = input;
  const week =
    input.week ??
    nextWeek(
      pool.issues.map((i) => i.id),
      input.now,
      config.timezone,
    );
  if (!weekStart(week))
    throw new RolecastError('E_USAGE', `--week "${week}" is not an ISO week${weeksInYear(week)}`, {
      hint: 'write it as YYYY-Www, e.g. 2026-W50',
    });
  if (pool.issues.some((issue) => issue.id === week)) throw refuseExisting(join(input.issuesDir, week, MANIFEST_FILE));
  const selection = selectFromPool(
    pool.entries,
    input.taxonomyRoles,
    config.perRole,
    input.rank,
    pool.gone,
    input.held,
  );
  if (selection.picked.length === 0) {
    const why = pool.exists ? 'has no ready summary that an earlier issue has not used' : 'does not exist';
    throw new RolecastError('E_INVALID', `the pool ${displayPath(pool.dir)} ${why}`, {
      hint: 'add summaries to the pool (or mark drafts "status: ready"), or set "pool" in rolecast.config.json',
    });
  }
  const latest = [...pool.issues].reverse().find((i) => weekStart(i.id) && i.manifest)?.manifest;
  const carried = (key: string) => (latest?.[key] === undefined ? {} : { [key]: latest[key] });
  const latestDate = typeof latest?.date === 'string' ? DateTime.fromISO(latest.date) : undefined;
  const manifest: Record<string, unknown> = {
    ...carried('$schema'),
    subject: typeof latest?.subject === 'string' ? latest.subject : DEFAULT_SUBJECT,
    date: dateInWeek(week, latestDate?.isValid ? latestDate.weekday : 1),
    ...carried('title'),
    ...carried('roleOrder'),
    summaries: selection.picked.map((entry) => entry.ref),
  };
  const today = DateTime.fromJSDate(input.now, { zone: config.timezone }).toISODate() ?? '';
  const issueDate = String(manifest.date);
  const after = [issueDate, today].sort().at(-1) ?? today;
  const warnings = selection.picked.filter((entry) => entry.date > after).map((entry) => datedAhead(entry, after));
  return { week, dir: join(input.issuesDir, week), manifest, selection, warnings };
}

/**
 * A date past the issue's (a year typed wrong, usually) sorts the summary first, so it is picked
 * ahead of this week's: say so rather than pick it silently.
 */
function datedAhead(entry: PoolEntry, after: string): Problem {
  return {
    severity: 'warning',
    file: displayPath(entry.path),
    field: 'date',
    message: `is dated ${entry.date}, after ${after}, so it sorts first and was picked ahead of newer summaries`,
    hint: 'correct the date in the summary (or take it out of the issue if it is not meant for this week)',
  };
}

/** With no earlier issue to copy: the lead story first, as the example does (the brand is in From). */
const DEFAULT_SUBJECT = '{{lead}} · {{weekLabel}}';

/** The planned `issue.json` as it is written. */
export function planText(plan: NewIssuePlan): string {
  return `${JSON.stringify(plan.manifest, null, 2)}\n`;
}

/** What a file system that holds no hard links answers a link with. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/**
 * Writes the planned `issue.json` whole or not at all, and never replaces an existing one: the
 * text goes to a temp file beside it, which is then linked in under its name (a link fails if
 * the name is taken, so two runs cannot both write it, and a crash never leaves half a file). On a
 * drive that holds no hard links it is created in place, only if it is not there. The picked
 * record (`picked.json`) is written to its temp file first, so a disk that fills up stops the run
 * before the issue exists, and is renamed in only once the issue is ours.
 */
export async function writeNewIssue(plan: NewIssuePlan, sizeTrim?: SizeTrimNote): Promise<string> {
  const file = join(plan.dir, MANIFEST_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const record = join(plan.dir, PICKED_FILE);
  const recordTemp = `${record}.${process.pid}.tmp`;
  await mkdir(plan.dir, { recursive: true });
  try {
    await writeFile(recordTemp, pickedRecordText(pickedStories(plan), sizeTrim)).catch((error: unknown) => {
      throw writeRefused(record, error);
    });
    await writeFile(temp, planText(plan));
    await link(temp, file).catch((error: NodeJS.ErrnoException) => {
      // A drive without hard links (exFAT, FAT, some shares): create the file only if it is not there.
      if (!NO_LINKS.has(error.code ?? '')) throw error;
      return writeFile(file, planText(plan), { flag: 'wx' });
    });
    // Only once the issue is ours: a run refused above must not touch another's record.
    await rename(recordTemp, record);
  } catch (error) {
    throw writeRefused(file, error);
  } finally {
    await rm(temp, { force: true });
    await rm(recordTemp, { force: true });
  }
  return file;
}

/** A refused write named by its file, rather than "this is a bug" with a stack. */
function writeRefused(file: string, error: unknown): unknown {
  if (error instanceof RolecastError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return refuseExisting(file);
  return diskFullOr(file, error, 'free some space on that drive and run rolecast new again; no issue was written');
}

/** What the issue takes from the pool, as its record keeps it. */
function pickedStories(plan: NewIssuePlan): PickedStory[] {
  const refs = new Set(plan.manifest.summaries as string[]);
  return plan.selection.picked
    .filter((entry) => refs.has(entry.ref))
    .map((entry) => ({
      id: entry.id,
      title: entry.title,
      ...(entry.summary.url ? { url: entry.summary.url } : {}),
      roles: entry.roles,
      fingerprint: storyFingerprint(entry.summary),
    }));
}

function refuseExisting(file: string): RolecastError {
  return new RolecastError('E_USAGE', `${displayPath(file)} already exists`, {
    hint: 'edit that issue, or pick another week with --week',
  });
}
