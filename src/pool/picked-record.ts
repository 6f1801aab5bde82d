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
 * missing file is all there is. A record that does not read is a warning, never a stop.
 */
export async function readGoneStories(
  issues: readonly IssueFolder[],
  usedIn: ReadonlyMap<string, string[]>,
  inPool: (id: string) => boolean,
): Promise<{ stories: GoneStory[]; problems: Problem[] }> {
  const gone = new Map<string, GoneStory>();
  const problems: Problem[] = [];
  for (const issue of issues) {
    const file = join(issue.dir, PICKED_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const stories = parseRecord(text);
    if (!stories) {
      problems.push({
        severity: 'warning',
        file: displayPath(file),
        message: 'could not be read, so a summary of this issue renamed in the pool since would not be known',
        hint: 'restore it from where the issue was kept, or delete it',
      });
      continue;
    }
    for (const story of stories) {
      const issues = usedIn.get(story.id) ?? [];
      // Only what the issue still names or a send recorded: a pick the editor took out was never sent.
      if (!issues.includes(issue.id) || inPool(story.id) || gone.has(story.id)) continue;
      gone.set(story.id, { ...story, usedIn: issues });
    }
  }
  return { stories: [...gone.values()], problems };
}

/** The story `new` picked as `id` for the issue in `issueDir`, from its record; undefined without one. */
export async function pickedStory(issueDir: string, id: string): Promise<PickedStory | undefined> {
  try {
    return parseRecord(await readFile(join(issueDir, PICKED_FILE), 'utf8'))?.find((story) => story.id === id);
  } catch {
    return undefined;
  }
}

/** The pool ids a send of the issue in `issueDir` recorded as sent; none without a record. */
export async function sentStoryIds(issueDir: string): Promise<string[]> {
  try {
    const stories = parseRecord(await readFile(join(issueDir, PICKED_FILE), 'utf8')) ?? [];
    return stories.filter((story) => story.sent === true).map((story) => story.id);
  } catch {
    return [];
  }
}

function parseRecord(text: string): PickedStory[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const stories = (value as { stories?: unknown } | null)?.stories;
  if (!Array.isArray(stories)) return undefined;
  return stories.filter(
    (s): s is PickedStory =>
      typeof s?.id === 'string' &&
      typeof s.title === 'string' &&
      typeof s.fingerprint === 'string' &&
      Array.isArray(s.roles) &&
      s.roles.every((r: unknown) => typeof r === 'string') &&
      (s.url === undefined || typeof s.url === 'string'),
  );
}
