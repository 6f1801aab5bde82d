import type { Problem } from '../errors.js';
import { sameAddress } from './_source-address.js';
import { splitRoles } from './text.js';

/**
 * Frontmatter keys other tools write for a summary's fields, read as those fields: `bestFor:` is
 * the roles, and `link:`, the text format's label and many blogs' name for the article's address,
 * the `url`. Given beside the field itself with another value, it is an error naming both lines,
 * never one dropped. `lineOfKey` moves with the value, so later problems name the line written.
 */
export function readOtherWords(
  raw: Record<string, unknown>,
  lineOfKey: Record<string, number>,
  file: string,
): Problem[] {
  if (raw.bestFor !== undefined && raw.roles === undefined) {
    raw.roles = typeof raw.bestFor === 'string' ? splitRoles(raw.bestFor) : raw.bestFor;
    lineOfKey.roles = lineOfKey.bestFor ?? 2;
    delete raw.bestFor;
  }
  if (raw.link === undefined) return [];
  const line = lineOfKey.link ?? 2;
  const same = typeof raw.url === 'string' && typeof raw.link === 'string' && sameAddress(raw.url, raw.link);
  const link = raw.link;
  delete raw.link;
  if (raw.url !== undefined && !same)
    return [
      {
        severity: 'error',
        file,
        line,
        field: 'url',
        message: `is given twice: as url (line ${lineOfKey.url ?? 2}) and as link (line ${line})`,
        hint: "keep the article's address in one of them and delete the other",
      },
    ];
  if (raw.url === undefined) {
    raw.url = link;
    lineOfKey.url = line;
  }
  return [];
}
