import type { Variant } from '../group/index.js';
import type { Summary } from '../model/summary.js';
import type { IssueLayout } from './store.js';

/** Who got which summary under which role, as recorded at send time for reports. */
export function issueLayout(variants: readonly Variant[], summaries: readonly Summary[]): IssueLayout {
  return {
    variants: variants.map((v) => ({
      id: v.id,
      roles: v.roles,
      sections: v.sections.map((s) => ({ role: s.role, summaryIds: s.summaries.map((summary) => summary.id) })),
      clicksTagged: v.clickTagged,
    })),
    summaries: summaries.map((s) => ({ id: s.id, roles: s.roles, topics: s.topics })),
  };
}
