import { dirname, relative, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { scanPoolUsage } from '../pool/usage.js';
import { displayPath } from './_display.js';
import { type LoadedIssue, MANIFEST_FILE } from './issue.js';

/**
 * Pool summaries this issue shares with another issue: readers of both would read the story twice.
 * Another issue's manifest that cannot be read is left out here (`rolecast pool` reports it).
 */
export async function reusedPoolSummaries(issue: LoadedIssue, poolDir: string): Promise<Problem[]> {
  const fromPool = issue.summaries.filter((summary) => {
    const file = issue.files.get(summary.id);
    if (!file) return false;
    const inside = relative(resolve(poolDir), file);
    return inside !== '' && !inside.startsWith('..') && dirname(inside) === '.';
  });
  if (fromPool.length === 0) return [];
  const { usedIn } = await scanPoolUsage(dirname(issue.dir), poolDir);
  const problems: Problem[] = [];
  for (const summary of fromPool) {
    const others = (usedIn.get(summary.id) ?? []).filter((id) => id !== issue.id);
    if (others.length === 0) continue;
    problems.push({
      severity: 'warning',
      file: displayPath(`${issue.dir}/${MANIFEST_FILE}`),
      field: 'summaries',
      message: `pool summary "${summary.id}" is also in ${others.length === 1 ? 'issue' : 'issues'} ${others.join(', ')}`,
      hint: 'readers of both issues would read it twice: take it out of one, or leave it if that issue is never sent',
    });
  }
  return problems;
}
