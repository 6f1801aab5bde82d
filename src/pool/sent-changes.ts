import { createHash } from 'node:crypto';
import { dirname, relative, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { summaryIdFromFile } from '../load/summary.js';
import type { Summary } from '../model/summary.js';
import { PICKED_FILE, type PickedStory, readPickedFile, storyFingerprint } from './picked-record.js';

/** The fields of a card readers read, each fingerprinted apart so an edit can be named by field. */
const TEXT_FIELDS = ['summary', 'takeaway', 'insights', 'principles', 'practice', 'source', 'topics'] as const;
type TextField = (typeof TEXT_FIELDS)[number];

/** One short fingerprint per text field, in the form `storyFingerprint` compares (case and spacing aside). */
export function fieldPrints(summary: Pick<Summary, TextField>): Record<TextField, string> {
  const print = (value: string | readonly string[] | undefined) =>
    createHash('sha256')
      .update([value ?? ''].flat().map(comparable).join('\n'))
      .digest('hex')
      .slice(0, 12);
  return Object.fromEntries(TEXT_FIELDS.map((field) => [field, print(summary[field])])) as Record<TextField, string>;
}

function comparable(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The fields of `summary` that differ from the copy its issue sent, as the send recorded it. A
 * record written before fields were fingerprinted apart names the text as a whole.
 */
function changedSinceSent(
  story: PickedStory,
  summary: Summary,
  normalise: (role: string) => string = (role) => role,
): string[] {
  const changed: string[] = [];
  if (comparable(story.title) !== comparable(summary.title)) changed.push('title');
  if ((story.url ?? '') !== (summary.url ?? '')) changed.push('url');
  const roles = (list: readonly string[]) => [...new Set(list.map(normalise))].sort().join('\n');
  if (roles(story.roles) !== roles(summary.roles)) changed.push('roles');
  if (story.fields) {
    const now = fieldPrints(summary);
    const fields = story.fields;
    // A field the record has no print of (written before it was fingerprinted) is not judged.
    changed.push(...TEXT_FIELDS.filter((field) => Object.hasOwn(fields, field) && fields[field] !== now[field]));
  } else if (story.fingerprint !== storyFingerprint(summary)) changed.push('text');
  return changed;
}

/**
 * Pool summaries of a sent issue edited since it was sent: its readers had the text as it was, while
 * `build`, the preview and `rolecast archive` show it as it is now, so a correction (or a slip made
 * while preparing the next issue) would change the published issue without a word. Read from the
 * issue's `picked.json`, which a send brings up to what readers got; an issue never sent has no
 * sent story, and a record that does not read is named by `pool` and `new`.
 */
export async function sentCopyChanges(
  issue: { dir: string; id: string; summaries: readonly Summary[]; files: ReadonlyMap<string, string> },
  poolDir: string,
  normalise: (role: string) => string,
  cwd?: string,
): Promise<Problem[]> {
  const record = await readPickedFile(resolve(issue.dir, PICKED_FILE));
  if (!record || 'why' in record) return [];
  const sent = new Map<string, PickedStory>();
  for (const story of record.stories as Partial<PickedStory>[])
    if (story?.sent === true && typeof story.id === 'string' && typeof story.fingerprint === 'string')
      sent.set(story.id, story as PickedStory);
  if (sent.size === 0) return [];
  const problems: Problem[] = [];
  for (const summary of issue.summaries) {
    const file = issue.files.get(summary.id);
    if (!file || relative(resolve(poolDir), dirname(resolve(file))) !== '') continue;
    const story = sent.get(summaryIdFromFile(file));
    if (!story || !Array.isArray(story.roles) || typeof story.title !== 'string') continue;
    const changed = changedSinceSent(story, summary, normalise);
    if (changed.length === 0) continue;
    problems.push({
      severity: 'warning',
      file: displayPath(file, cwd),
      field: changed.join(', '),
      message: `changed since issue ${issue.id} was sent${changed.includes('title') ? ` (sent as "${story.title}")` : ''}: its readers got the copy as it was, while build, the preview and rolecast archive show it as it is now`,
      hint: `undo the edit to keep ${issue.id} as sent; for a correction readers should see, keep it and say so in the next issue; for a new story, write a new file`,
    });
  }
  return problems;
}
