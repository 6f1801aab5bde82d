import type { ResolvedConfig } from '../config/schema.js';
import type { StateLocation } from '../state/location.js';
import { type TopicEngagement, topicEngagement } from './engagement.js';
import { readAnalyticsAt } from './read-at.js';
import { withCurrentRoleNames } from './role-names.js';

/** Topic engagement over the last `issues` sent issues, read-only; undefined when nothing was sent. */
export async function readTopicEngagement(
  config: Pick<ResolvedConfig, 'stateDirAbs'>,
  issues: number,
  at?: string | StateLocation,
  /** Today's name of a role a send recorded: a role renamed in roles.yaml keeps its readers' clicks. */
  roleName: (role: string) => string = (role) => role,
): Promise<TopicEngagement | undefined> {
  return readAnalyticsAt(config, at, async (store) => {
    const ids = (await store.issues()).slice(-issues);
    return topicEngagement(
      await Promise.all(ids.map(async (id) => withCurrentRoleNames(await store.facts(id), roleName))),
    );
  });
}
