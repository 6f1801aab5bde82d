import type { ResolvedConfig } from '../config/schema.js';
import type { StateLocation } from '../state/location.js';
import { isRefusedState } from '../state/read-at.js';
import { readAnalyticsAt } from './read-at.js';
import { buildReport, type Report } from './report.js';
import { withCurrentRoleNames } from './role-names.js';

/** How many issues the preview's "no clicks" feedback looks back over. */
const HISTORY = 4;

/**
 * The report of the last issue sent before `issueId`, for the preview beside the editor panel:
 * read-only, and undefined when nothing was sent yet or the state cannot be read (the preview's
 * own checks report a damaged state file; this panel is a nicety that never blocks a render). A
 * state refused as newer or denied is thrown, for the preview to say why the panel is missing.
 */
export async function previousIssueReport(
  config: Pick<ResolvedConfig, 'stateDirAbs'>,
  issueId: string,
  at?: string | StateLocation,
  /** The start of the issue's date: an issue not sent yet follows the issues sent before it. */
  issueStart?: Date,
  /**
   * Today's name of a role a send recorded (roles.yaml's canonical name for an old name kept as an
   * alias): a role renamed between the issues looked back over is judged as one role.
   */
  roleName: (role: string) => string = (role) => role,
  /** Today's roles (roles.yaml): those no reader got a section of are named, as `rolecast report` names them. */
  roles: readonly string[] = [],
): Promise<Report | undefined> {
  try {
    return await readAnalyticsAt(config, at, async (store) => {
      const all = await store.issues();
      // Issues recorded before this one when it was sent already; else those sent before its date,
      // so an older issue previewed late does not show an issue that came after it.
      const index = all.indexOf(issueId);
      const later = index < 0 && issueStart ? new Set(await store.issues(issueStart)) : new Set<string>();
      const earlier = index >= 0 ? all.slice(0, index) : all.filter((id) => !later.has(id));
      const last = earlier.at(-1);
      if (!last) return undefined;
      const facts = async (id: string) => withCurrentRoleNames(await store.facts(id), roleName);
      const history = await Promise.all(earlier.slice(-HISTORY).map(facts));
      return buildReport([await facts(last)], { history, roles });
    });
  } catch (error) {
    if (isRefusedState(error)) throw error;
    return undefined;
  }
}
