import { join } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { openExistingStateDb } from '../send/store.js';
import { buildReport, type Report } from './report.js';
import { sqliteAnalyticsStore } from './store.js';

/** How many issues the preview's "no clicks" feedback looks back over. */
const HISTORY = 4;

/**
 * The report of the last issue sent before `issueId`, for the preview beside the editor panel:
 * read-only, and undefined when nothing was sent yet or the state cannot be read (the preview's
 * own checks report a damaged state file; this panel is a nicety that never blocks a render).
 */
export function previousIssueReport(
  config: Pick<ResolvedConfig, 'stateDirAbs'>,
  issueId: string,
  stateFile = join(config.stateDirAbs, 'state.db'),
): Report | undefined {
  let db: ReturnType<typeof openExistingStateDb>;
  try {
    db = openExistingStateDb(stateFile, 'light');
    if (!db) return undefined;
    const store = sqliteAnalyticsStore(db);
    const all = store.issues();
    // Issues recorded before this one when it was sent already; else every recorded issue.
    const at = all.indexOf(issueId);
    const earlier = at >= 0 ? all.slice(0, at) : all;
    const last = earlier.at(-1);
    if (!last) return undefined;
    return buildReport([store.facts(last)], { history: earlier.slice(-HISTORY).map((id) => store.facts(id)) });
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}
