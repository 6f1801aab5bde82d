import { join } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { openExistingStateDb } from '../send/store.js';
import { type TopicEngagement, topicEngagement } from './engagement.js';
import { sqliteAnalyticsStore } from './store.js';

/** Topic engagement over the last `issues` sent issues, read-only; undefined when nothing was sent. */
export function readTopicEngagement(
  config: Pick<ResolvedConfig, 'stateDirAbs'>,
  issues: number,
  stateFile = join(config.stateDirAbs, 'state.db'),
): TopicEngagement | undefined {
  const db = openExistingStateDb(stateFile, 'light');
  if (!db) return undefined;
  try {
    const store = sqliteAnalyticsStore(db);
    return topicEngagement(
      store
        .issues()
        .slice(-issues)
        .map((id) => store.facts(id)),
    );
  } finally {
    db.close();
  }
}
