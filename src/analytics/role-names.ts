import type { IssueFacts } from './store.js';

/**
 * Each issue's facts name roles as roles.yaml named them when it was sent. A role renamed since,
 * its old name kept as an alias ("Chief Technology Officer" → CTO), is one role: every name is
 * read through today's taxonomy, so a report over several issues sums it on one row. A name the
 * taxonomy no longer knows stays as it was recorded.
 */
export function withCurrentRoleNames(facts: IssueFacts, name: (role: string) => string): IssueFacts {
  const names = (roles: readonly string[]) => [...new Set(roles.map(name))];
  return {
    ...facts,
    variants: facts.variants.map((variant) => ({
      ...variant,
      roles: names(variant.roles),
      sections: variant.sections.map((section) => ({ ...section, role: name(section.role) })),
    })),
    summaries: facts.summaries.map((summary) => ({ ...summary, roles: names(summary.roles) })),
    clicks: facts.clicks.map((click) => ({ ...click, role: name(click.role) })),
  };
}
