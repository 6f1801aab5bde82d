import { dirname, relative, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { goneTwins } from '../pool/gone-twins.js';
import { readGoneStories } from '../pool/picked-record.js';
import { indexPool, namedAside } from '../pool/refs.js';
import { scanPoolUsage } from '../pool/usage.js';
import { displayPath } from './_display.js';
import { type LoadedIssue, MANIFEST_FILE } from './issue.js';
import { twinReason } from './same-story.js';

/**
 * Pool summaries this issue shares with another issue: readers of both would read the story twice.
 * A renamed copy of a story another issue took under its old name counts too, known from that
 * issue's picked.json as `new` knows it. Another issue's manifest that cannot be read is left out
 * here (`rolecast pool` reports it).
 */
export async function reusedPoolSummaries(
  issue: LoadedIssue,
  poolDir: string,
  /** Reads a recorded role through today's taxonomy, as the issue's summaries are read. */
  normalise: (role: string) => string = (role) => role,
): Promise<Problem[]> {
  const fromPool = issue.summaries.filter((summary) => {
    const file = issue.files.get(summary.id);
    if (!file) return false;
    const inside = relative(resolve(poolDir), file);
    return inside !== '' && !inside.startsWith('..') && dirname(inside) === '.';
  });
  if (fromPool.length === 0) return [];
  const { usedIn, issues } = await scanPoolUsage(dirname(issue.dir), poolDir);
  const index = await indexPool(poolDir);
  const gone = await readGoneStories(issues, usedIn, (id) => index.byId.has(id) || namedAside(id, index) !== undefined);
  const twinOfGone = goneTwins(gone.map((story) => ({ ...story, roles: story.roles.map(normalise) })));
  const file = displayPath(`${issue.dir}/${MANIFEST_FILE}`);
  const hint =
    'readers of both issues would read it twice: take it out of one, or leave it if that issue is never sent';
  const problems: Problem[] = [];
  for (const summary of fromPool) {
    const others = (usedIn.get(summary.id) ?? []).filter((id) => id !== issue.id);
    if (others.length > 0) {
      problems.push({
        severity: 'warning',
        file,
        field: 'summaries',
        message: `pool summary "${summary.id}" is also in ${others.length === 1 ? 'issue' : 'issues'} ${others.join(', ')}`,
        hint,
      });
      continue;
    }
    const twin = twinOfGone({ id: summary.id, title: summary.title, roles: summary.roles, summary });
    const took = twin?.usedIn.filter((id) => id !== issue.id) ?? [];
    if (!twin || took.length === 0) continue;
    problems.push({
      severity: 'warning',
      file,
      field: 'summaries',
      message: `pool summary "${summary.id}" tells the story ${took.length === 1 ? 'issue' : 'issues'} ${took.join(', ')} took as "${twin.id}": it ${twinReason(twin)} that one, whose file is no longer in the pool`,
      hint,
    });
  }
  return problems;
}
