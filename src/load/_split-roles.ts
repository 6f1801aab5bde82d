/**
 * Roles are split on commas only: "VP of Engineering/Data" is one role. In a text summary's lines
 * (`wide`), the full-width and ideographic commas CJK input methods type (，and 、) split too; a
 * JSON or frontmatter value is split on the ASCII comma alone, as it always was.
 */
/** The "and", "or" or "&" that opens the last entry of a list written as a sentence. */
export const LIST_JOINER = /^(?:and|or|&)\s+/i;

export function splitRoles(value: string, wide = false): string[] {
  // "(CTO, Executive)", "[CTO, Executive]": the list in brackets, not roles starting with one.
  const listed = /^\s*(?:\(([^()]*)\)|\[([^[\]]*)\])\.?\s*$/.exec(value);
  return (listed ? (listed[1] ?? listed[2]!) : value)
    .split(wide ? /[,，、]/ : ',')
    .map((role, index) => {
      const trimmed = role.trim().replace(/\.$/, '').trim();
      // "CTO, Executive, and Product Manager": the list's last "and" is not part of the role.
      return index > 0 ? trimmed.replace(LIST_JOINER, '') : trimmed;
    })
    .filter((role) => role.length > 0);
}
