import type { Problem } from '../errors.js';
import type { IssueManifest } from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import type { ManifestPlace } from './_issue-summaries.js';

type Fault = { message: string; hint: string } | undefined;

/**
 * issue.json's `roleOrder` and `quietRoles`, each role normalised. A role the taxonomy does not know,
 * and a quiet role that a summary of the issue names, is a warning added to `problems`.
 */
export function issueRoleLists(
  manifest: IssueManifest,
  taxonomy: RoleTaxonomy,
  summaries: readonly Summary[],
  place: ManifestPlace,
  problems: Problem[],
): { roleOrder: string[]; quietRoles: string[] } {
  /** A role list of issue.json, normalised; `check` may find fault with an entry the taxonomy knows. */
  const roleList = (key: 'roleOrder' | 'quietRoles', check: (role: string, known: string) => Fault = () => undefined) =>
    (manifest[key] ?? []).map((role, index) => {
      const known = taxonomy.lookup(role);
      const closest = known === undefined ? taxonomy.closest(role) : undefined;
      const fault: Fault =
        known === undefined
          ? {
              message: `unknown role "${role}"`,
              hint: closest ? `did you mean ${closest}?` : 'add it to the role taxonomy',
            }
          : check(role, known);
      if (fault)
        problems.push({
          severity: 'warning',
          file: place.shown,
          line: place.lineOf([key, index]),
          field: `${key}[${index}]`,
          ...fault,
        });
      return taxonomy.normalise(role);
    });
  const roleOrder = roleList('roleOrder');
  const covered = new Set(summaries.flatMap((summary) => summary.roles));
  const quietRoles = roleList('quietRoles', (role, known) =>
    covered.has(known)
      ? {
          message: `"${role}" is listed as having nothing this week, but summaries of this issue name it`,
          hint: 'take it out of "quietRoles"',
        }
      : undefined,
  );
  return { roleOrder, quietRoles };
}
