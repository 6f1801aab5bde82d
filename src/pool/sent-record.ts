import { dirname, join, resolve } from 'node:path';
import { displayPath } from '../load/_display.js';
import { PICKED_FILE } from '../load/issue.js';
import { summaryIdFromFile } from '../load/summary.js';
import type { Summary } from '../model/summary.js';
import { writeWhole } from '../write-whole.js';
import { isPickedStory, type PickedStory, readPickedFile, storyFingerprint } from './picked-record.js';
import { fieldPrints } from './sent-changes.js';

/**
 * Brings the issue's `picked.json` up to what it really sends, once readers have it (see first-accepted.ts): a pool
 * summary the editor added by hand (or changed since `new` picked it) is recorded as it is sent, so
 * a renamed copy of it is still known next week, and marked sent, so it stays used by the issue
 * once taken out of its issue.json. Only pool summaries the issue names are written,
 * each once under its pool id; what `new` noted of the size trim is kept. A record that cannot be
 * written is a warning naming the file: the send itself is not stopped for it.
 */
export async function recordSentStories(
  issue: { dir: string; summaries: readonly Summary[]; files: ReadonlyMap<string, string> },
  poolDir: string,
  log: (line: string) => void,
): Promise<void> {
  const pool = resolve(poolDir);
  const sent: PickedStory[] = [];
  for (const summary of issue.summaries) {
    const file = issue.files.get(summary.id);
    if (!file || dirname(resolve(file)) !== pool) continue;
    sent.push({
      id: summaryIdFromFile(file),
      title: summary.title,
      ...(summary.url ? { url: summary.url } : {}),
      roles: summary.roles,
      fingerprint: storyFingerprint(summary),
      fields: fieldPrints(summary),
      sent: true,
    });
  }
  const record = join(issue.dir, PICKED_FILE);
  const kept = await readPickedFile(record);
  if (sent.length === 0 && (kept === undefined || 'why' in kept)) return;
  // A record that does not read still holds what `pool` and `new` need once restored: never overwritten.
  if (kept && 'why' in kept) {
    log(
      `warning: ${displayPath(record)} was left as it is: it could not be read (${kept.why}), so the pool summaries this issue sends are not marked sent in it; restore it from where the issue was kept (a backup, version control) and run the send again, or delete it if the issue was never sent before and run the send again`,
    );
    return;
  }
  // A story an earlier run marked sent keeps the copy recorded then: its first readers had that one,
  // so an edit made since stays named though this run sends the new text to the readers left.
  const sentBefore = new Map<string, PickedStory>();
  for (const story of kept?.stories ?? [])
    if (isPickedStory(story) && story.sent === true) sentBefore.set(story.id, story);
  const recorded = sent.map((story) => sentBefore.get(story.id) ?? story);
  const ids = new Set(sent.map((story) => story.id));
  // Picks the issue no longer sends stay as new wrote them: only what it names is read back.
  const stories = [
    ...(kept?.stories ?? []).filter((story) => !ids.has((story as { id?: unknown } | null)?.id as string)),
    ...recorded,
  ];
  if (kept && JSON.stringify(kept.stories) === JSON.stringify(stories)) return;
  try {
    await writeWhole(record, `${JSON.stringify({ ...kept?.rest, stories }, null, 2)}\n`);
  } catch (error) {
    log(sentRecordNotUpdated(issue.dir, error));
  }
}

/** The warning that the issue's `picked.json` could not be brought up to what it sends (the send goes on). */
export function sentRecordNotUpdated(issueDir: string, error: unknown): string {
  return `warning: ${displayPath(join(issueDir, PICKED_FILE))} could not be updated (${(error as Error).message}): a pool summary this issue sends that is renamed later could be picked again; run the send again once it can be written`;
}
