/**
 * Matching ignores case, all white space and the invisible characters text pasted from the web
 * carries (zero-width spaces and joiners, soft hyphens, a byte order mark): "Chief  technology
 * officer" = "ChiefTechnologyOfficer", and "CTO" followed by a zero-width space is CTO.
 */
export function roleKey(role: string): string {
  return role
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u00ad\u200b-\u200d\u2060\ufeff]+/g, '');
}
