import { isRolesProse } from './_roles-prose.js';

/** `## Best for`, `## Audience`: a heading naming the roles, as Notion and other editors write the label. */
const ROLES_HEADING = /^ {0,3}#{1,6}[ \t]+(best for|audience)[ \t]*:?[ \t]*#*[ \t]*$/i;
/** `## Source`: a heading naming the source on the line below it. */
const SOURCE_HEADING = /^ {0,3}#{1,6}[ \t]+source[ \t]*:?[ \t]*#*[ \t]*$/i;

/** A list item's marker, as a roles list under `## Best for` is written. */
const ITEM_MARKER = /^\s{0,8}(?:[-*+•]|\d{1,3}[.)])\s+/;

/**
 * Headings that stand for a label, read as the label on the heading's line: `## Best for` over a
 * list or a line of roles is `Best for: A, B` (the block under it, up to a blank line, then blank),
 * and `## Source` over one line is `Source: …`. What follows the block is text as before: a link
 * line below the roles is never read as a role.
 */
export function labelHeadings(
  lines: string[],
  literal: ReadonlySet<number>,
  givenAbove: ReadonlySet<string>,
): { index: number; heading: string; value: string }[] {
  // The lines that read as prose: each an error unless the role taxonomy names it (see parseSummary).
  const prose: { index: number; heading: string; value: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (literal.has(index)) continue;
    const roles = ROLES_HEADING.exec(lines[index]!);
    const source = roles ? undefined : SOURCE_HEADING.exec(lines[index]!);
    if (!roles && !source) continue;
    // The frontmatter's roles or source stand: the heading is the body's, warned about as unknown.
    if (givenAbove.has(roles ? 'roles' : 'source')) continue;
    let next = index + 1;
    while (next < lines.length && lines[next]!.trim() === '' && !literal.has(next)) next++;
    const block: number[] = [];
    for (let at = next; at < lines.length && !literal.has(at); at++) {
      const trimmed = lines[at]!.trim();
      if (trimmed === '' || trimmed.startsWith('#')) break;
      // A list is its items and a line of roles is one line: a "Link:" line, an address or a quote
      // written straight under them is read as it would be anywhere else, never as a role.
      if (block.length > 0 && !(ITEM_MARKER.test(lines[block[0]!]!) && ITEM_MARKER.test(lines[at]!))) break;
      block.push(at);
    }
    if (source && block.length !== 1) continue;
    const values = block.map((at) => lines[at]!.replace(ITEM_MARKER, '').trim());
    if (roles)
      for (const [k, value] of values.entries())
        if (isRolesProse(value)) prose.push({ index: block[k]!, heading: roles[1]!, value });
    lines[index] = roles ? `${roles[1]}: ${values.join(', ')}`.trimEnd() : `Source: ${values[0]}`;
    for (const at of block) lines[at] = '';
  }
  return prose;
}
