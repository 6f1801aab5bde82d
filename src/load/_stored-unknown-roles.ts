import { redactDatabaseUrl } from '../db/postgres.js';
import type { Problem } from '../errors.js';
import type { Subscriber } from '../model/subscriber.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import type { StateLocation } from '../state/location.js';
import { displayPath } from './_display.js';

/** Unknown roles named one by one; past this many, one line counts the rest. */
const SHOWN_ROLES = 20;

/**
 * Stored readers holding a role roles.yaml does not name (most often one renamed there without its
 * old name kept as an alias) get no story for it but one naming it as written: a warning per role, with how many readers hold it,
 * so the editor can add the alias. `subscribers` are the readers a send mails, roles read already.
 */
export function storedUnknownRoles(
  subscribers: readonly Subscriber[],
  taxonomy: RoleTaxonomy,
  location: StateLocation,
  rolesFile: string,
  cwd: string,
): Problem[] {
  const held = new Map<string, number>();
  for (const subscriber of subscribers) {
    if (subscriber.status === 'unsubscribed') continue;
    for (const role of subscriber.roles)
      if (taxonomy.lookup(role) === undefined) held.set(role, (held.get(role) ?? 0) + 1);
  }
  const file = location.kind === 'sqlite' ? displayPath(location.file, cwd) : redactDatabaseUrl(location.url);
  const roles = [...held].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const problems: Problem[] = roles.slice(0, SHOWN_ROLES).map(([role, readers]) => {
    const closest = taxonomy.closest(role);
    return {
      severity: 'warning',
      file,
      field: 'readers',
      message: `${readers} stored reader(s) hold the role "${role}", which ${displayPath(rolesFile, cwd)} does not name: only a summary naming "${role}" itself reaches them for it`,
      hint: closest
        ? `if it was renamed, add "${role}" to the aliases of the role it became (did you mean ${closest}?)`
        : `if it was renamed, add "${role}" to the aliases of the role it became, or add it as a role`,
    };
  });
  if (roles.length > SHOWN_ROLES)
    problems.push({
      severity: 'warning',
      file,
      field: 'readers',
      message: `and ${roles.length - SHOWN_ROLES} more roles stored readers hold that ${displayPath(rolesFile, cwd)} does not name`,
      hint: '`rolecast subscribers list --json` shows each reader’s roles',
    });
  return problems;
}
