import { type StoryTwin, storyTwins } from '../load/same-story.js';
import type { PoolEntry } from './index.js';
import { type GoneStory, storyFingerprint } from './picked-record.js';

/**
 * The gone story (one an issue took whose pool file was renamed or deleted since) that a pool entry
 * tells again, by its text, title or article, for a role they share: how `new` knows a renamed copy.
 */
export function goneTwins(
  gone: readonly GoneStory[],
): (entry: Pick<PoolEntry, 'id' | 'title' | 'roles' | 'summary'>) => (StoryTwin & GoneStory) | undefined {
  const stories = storyTwins();
  for (const lost of gone) stories.add(lost);
  const texts = new Set(gone.map((lost) => lost.fingerprint));
  const byId = new Map(gone.map((lost) => [lost.id, lost]));
  return (entry) => {
    if (gone.length === 0) return undefined;
    const fingerprint = storyFingerprint(entry.summary);
    const twin = stories.twinOf({
      id: entry.id,
      title: entry.title,
      roles: entry.roles,
      url: entry.summary.url,
      fingerprint: texts.has(fingerprint) ? fingerprint : undefined,
    });
    const lost = twin && byId.get(twin.id);
    return twin && lost ? { ...lost, ...twin } : undefined;
  };
}
