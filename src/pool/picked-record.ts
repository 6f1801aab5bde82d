import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { PICKED_FILE } from '../load/issue.js';
import type { SizeTrimNote } from '../load/size-trim-note.js';
import type { Summary } from '../model/summary.js';
import type { IssueFolder } from './usage.js';

export { PICKED_FILE };

/**
 * Beside an issue's `issue.json`, `new` keeps what it knew of each pool summary it picked: the
 * title, the article link, the roles and a fingerprint of the text. An issue names a pool summary
 * by its file name alone, so once the file is renamed (or moved out and back under another name)
 * nothing else remembers that its story was already picked or sent, and the next `new` would pick
 * it again. With this record the story is still known under its new name.
 */

export interface PickedStory {
  id: string;
  title: string;
  url?: string | undefined;
  roles: string[];
  /** `storyFingerprint` of the text when it was picked. */
  fingerprint: string;
  /** `fieldPrints` of the text, so an edit made after the send can be named by field. */
  fields?: Record<string, string>;
  /** Written by a send that went ahead: readers had it, whatever issue.json names since. */
  sent?: true;
}

/** A story an issue still names whose pool file is gone (renamed or deleted since it was picked). */
export interface GoneStory extends PickedStory {
  /** The issues that name it. */
  usedIn: string[];
}

/**
 * The text readers get, apart from the title, in a form that survives a copy: case, spacing and
 * Unicode form aside. A file renamed with its text as it was has the same fingerprint, whatever
 * its format; a retitled one too. The link and the title catch a lightly edited one.
 */
export function storyFingerprint(
  summary: Pick<Summary, 'summary' | 'takeaway' | 'insights' | 'principles' | 'practice'>,
): string {
  const parts = [summary.summary, summary.takeaway, summary.insights, ...summary.principles, ...summary.practice];
  const text = parts.map((part) => part.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()).join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** The record's text for the stories picked (`picked.json`), and what the size trim left out, if anything. */
export function pickedRecordText(stories: readonly PickedStory[], sizeTrim?: SizeTrimNote): string {
  return `${JSON.stringify({ stories, ...(sizeTrim?.leftOut.length ? { sizeTrim } : {}) }, null, 2)}\n`;
}

/**
 * Stories issues still name whose pool file is gone, from their records. An issue made before
 * records were kept, or a summary the editor added by hand, has none: the pool's warning about the
 * missing file is all there is. A record that does not read is left out here: `scanPoolUsage`
 * names it.
 */
export async function readGoneStories(
  issues: readonly IssueFolder[],
  usedIn: ReadonlyMap<string, string[]>,
  inPool: (id: string) => boolean,
): Promise<GoneStory[]> {
  const gone = new Map<string, GoneStory>();
  for (const issue of issues) {
    const record = await readPickedRecord(issue.dir);
    if (!record || 'problem' in record) continue;
    for (const story of record.stories) {
      const issues = usedIn.get(story.id) ?? [];
      // Only what the issue still names or a send recorded: a pick the editor took out was never sent.
      if (!issues.includes(issue.id) || inPool(story.id) || gone.has(story.id)) continue;
      gone.set(story.id, { ...story, usedIn: issues });
    }
  }
  return [...gone.values()];
}

/** The story `new` picked as `id` for the issue in `issueDir`, from its record; undefined without one. */
export async function pickedStory(issueDir: string, id: string): Promise<PickedStory | undefined> {
  const record = await readPickedRecord(issueDir);
  return record && 'stories' in record ? record.stories.find((story) => story.id === id) : undefined;
}

/**
 * The pool ids a send of the issue in `issueDir` recorded as sent; none without a record. A record
 * there that cannot be read or parsed (truncated, a folder, unreadable) is a problem naming it: the
 * stories it marks sent would be offered again.
 */
export async function sentStoryIds(issueDir: string): Promise<{ ids: string[]; problem?: Problem }> {
  const record = await readPickedRecord(issueDir);
  if (!record) return { ids: [] };
  if ('problem' in record) return { ids: [], problem: record.problem };
  return { ids: record.stories.filter((story) => story.sent === true).map((story) => story.id) };
}

/** The issue's record: undefined when there is none, a problem naming it when it does not read. */
async function readPickedRecord(
  issueDir: string,
): Promise<{ stories: PickedStory[] } | { problem: Problem } | undefined> {
  const file = join(issueDir, PICKED_FILE);
  const record = await readPickedFile(file);
  if (!record) return undefined;
  if ('why' in record) return { problem: unreadableRecord(file, record.why) };
  return { stories: record.stories.filter(isPickedStory) };
}

/**
 * A picked.json as written: its stories (unchecked) and its other fields; undefined when there is
 * none, else why it does not read (unreadable, cut short, not a record rolecast wrote).
 */
export async function readPickedFile(
  file: string,
): Promise<{ stories: unknown[]; rest: Record<string, unknown> } | { why: string } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { why: (error as Error).message };
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = (error as Error).message;
    // Cut short, V8 names no position: the end of the text is where it stops.
    const at = /position \d+/.test(message) ? '' : ` at position ${text.length}`;
    return { why: `it does not parse as JSON: ${message}${at}` };
  }
  const fields: Record<string, unknown> =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
  const { stories, ...rest } = fields;
  if (!Array.isArray(stories)) return { why: 'it is not a record rolecast wrote: it has no "stories" list' };
  return { stories, rest };
}

function unreadableRecord(file: string, why: string): Problem {
  return {
    severity: 'warning',
    file: displayPath(file),
    message: `could not be read (${why}), so the pool summaries this issue sent are not known: one taken out of its issue.json since, or renamed in the pool since, would be offered again`,
    hint: 'restore it from where the issue was kept (a backup, version control), or delete it if the issue was never sent',
  };
}

export function isPickedStory(s: unknown): s is PickedStory {
  const story = s as Partial<PickedStory> | null;
  return (
    typeof story?.id === 'string' &&
    typeof story.title === 'string' &&
    typeof story.fingerprint === 'string' &&
    Array.isArray(story.roles) &&
    story.roles.every((r: unknown) => typeof r === 'string') &&
    (story.url === undefined || typeof story.url === 'string')
  );
}
