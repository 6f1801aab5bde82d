import { roleSlug } from '../group/index.js';
import type { IssueManifest } from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';

/**
 * The overrides with role keys written as the taxonomy names them (an alias or another case
 * matches its role, as everywhere else), and a warning for a key that names no role and no variant
 * id: a typo would otherwise leave every variant without the override, without a word.
 */
export function checkedOverrides(
  overrides: NonNullable<IssueManifest['overrides']>,
  taxonomy: RoleTaxonomy,
  summaries: readonly Summary[],
  warn: (key: string, hint: string) => void,
): NonNullable<IssueManifest['overrides']> {
  const roles = new Set(taxonomy.roles.map((role) => role.name));
  for (const summary of summaries) for (const role of summary.roles) roles.add(taxonomy.normalise(role));
  const slugs = new Set([...roles].map(roleSlug));
  const out: NonNullable<IssueManifest['overrides']> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const role = taxonomy.lookup(key) ?? (roles.has(taxonomy.normalise(key)) ? taxonomy.normalise(key) : undefined);
    if (role !== undefined) {
      out[role] ??= value;
      continue;
    }
    // A variant id: role slugs joined by "+", or such an id with a hash (`rolecast build` names them).
    const variantLike =
      key.split('+').every((part) => slugs.has(part)) || /-[0-9a-f]{8}$/.test(key) || key === 'editor';
    if (!variantLike) {
      const closest = taxonomy.closest(key);
      warn(
        key,
        closest ? `did you mean ${closest}?` : 'use a role name or a variant id as `rolecast build` lists them',
      );
    }
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
