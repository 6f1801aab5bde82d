import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { displayPath } from '../load/_display.js';
import { PICKED_FILE } from '../load/issue.js';
import { summaryIdFromFile } from '../load/summary.js';
import type { Summary } from '../model/summary.js';
import { writeWhole } from '../write-whole.js';
import { type PickedStory, storyFingerprint } from './picked-record.js';

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
      sent: true,
    });
  }
  const record = join(issue.dir, PICKED_FILE);
  const kept = await readRecord(record);
  if (sent.length === 0 && kept === undefined) return;
  const ids = new Set(sent.map((story) => story.id));
  // Picks the issue no longer sends stay as new wrote them: only what it names is read back.
  const stories = [...(kept?.stories ?? []).filter((story) => !ids.has(story.id)), ...sent];
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

async function readRecord(
  file: string,
): Promise<{ stories: PickedStory[]; rest: Record<string, unknown> } | undefined> {
  let value: unknown;
  try {
    value = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { stories, ...rest } = value as Record<string, unknown>;
  return { stories: Array.isArray(stories) ? (stories as PickedStory[]) : [], rest };
}
