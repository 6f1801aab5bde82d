import type { Problem } from '../errors.js';

/** `title:: Warm Pools` (Logseq's page property) or `Title: Warm Pools` (a label line). */
const PROPERTY = /^([A-Za-z][A-Za-z _-]{0,30}?)\s*(::|:)\s*(\S.*)$/;

/** What each property means here, by its name as written (lower case). */
const FIELDS: Record<string, string> = {
  title: 'title',
  roles: 'roles',
  role: 'roles',
  'best for': 'roles',
  audience: 'roles',
  date: 'date',
  url: 'url',
  link: 'url',
  source: 'source',
  status: 'status',
  tags: 'topics',
  topics: 'topics',
};

/**
 * A summary whose fields open the file as property lines, `title:: …` as Logseq writes a page or
 * `Title: …` above the text, with no frontmatter around them: read as a text summary, each was an
 * unknown line and the file's error was a missing Summary section. Undefined for any other file.
 * The error says what to write instead, with the file's own values.
 */
export function propertyLinesError(
  text: string,
  file: string,
  markdown: boolean,
): { problem: Problem; lines: number[] } | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let start = 0;
  while (start < lines.length && lines[start]!.trim() === '') start++;
  const found: { key: string; field: string | undefined; value: string; logseq: boolean; line: number }[] = [];
  for (let i = start; i < lines.length; i++) {
    const match = PROPERTY.exec(lines[i]!.trim());
    if (!match) break;
    const key = match[1]!.toLowerCase();
    found.push({ key, field: FIELDS[key], value: match[3]!.trim(), logseq: match[2] === '::', line: i + 1 });
  }
  if (found[0]?.field !== 'title' || found.length < 2 || !found.some((p) => p.field === 'roles')) return undefined;
  const logseq = found.some((p) => p.logseq);
  const frontmatter = found
    .filter((p) => p.field)
    .map((p) => {
      if (p.field === 'roles' || p.field === 'topics') return `${p.field}: [${p.value.replace(/\[\[|\]\]|#/g, '')}]`;
      if (p.field === 'date') return 'date: YYYY-MM-DD';
      return `${p.field}: ${p.value.replace(/^\[\[(.*)\]\]$/, '$1')}`;
    });
  const written = logseq ? `Logseq properties ("${found[0].key}:: …")` : `label lines ("Title: …")`;
  const hint = markdown
    ? `write them as frontmatter between two "---" lines at the top (${frontmatter.join('; ')}), then the summary text below`
    : `write the title alone on line 1, then a "Summary" heading over the text, then "Best for: ${found.find((p) => p.field === 'roles')?.value.replace(/\[\[|\]\]|#/g, '')}"; or save it as a .md file with the fields as frontmatter between two "---" lines`;
  const problem: Problem = {
    severity: 'error',
    file,
    line: start + 1,
    field: 'file',
    message: `opens with ${written}, which are not read as a summary's fields`,
    hint,
  };
  // What was said of a Logseq property line (its date misread) came of reading it as something else.
  return { problem, lines: found.filter((p) => p.logseq).map((p) => p.line) };
}
