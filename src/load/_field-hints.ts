/** What editors are told about a summary's fields: the hint for each, keys the loader does not know, a missing section. */
import type { Problem } from '../errors.js';
import { SummarySchema } from '../model/summary.js';
import { closestWord } from '../suggest.js';
import { ownLine } from './_field-lines.js';
import type { ParsedText } from './text.js';

export type Format = 'text' | 'json' | 'markdown';

const TEXT_HINTS: Record<string, string> = {
  title: 'put the article title on the first line',
  summary: 'add a "Summary" heading followed by a paragraph',
  roles: 'add a line "Best for: Role, Role, …" naming the audience roles',
  url: 'use a full http:// or https:// link',
  id: 'rename the file to lower-case letters, digits and dashes, e.g. open-source-ai.txt',
  date: 'write the day the summary was written as YYYY-MM-DD, e.g. "Date: 2026-11-20"',
};

/** JSON and Markdown editors think in fields, not in the text format's headings. */
const FIELD_HINTS: Record<Exclude<Format, 'text'>, Record<string, string>> = {
  json: {
    title: 'add "title": "…" with the article title',
    summary: 'add "summary": "…" with a paragraph saying what the article argues',
    roles: 'add "roles": ["Role", …] naming the audience roles',
    url: 'use a full http:// or https:// link in "url"',
    id: TEXT_HINTS.id!,
    date: 'write "date": "YYYY-MM-DD", e.g. "2026-11-20"',
  },
  markdown: {
    title: 'add a line "title: …" to the frontmatter',
    summary: 'write the summary under the frontmatter, or add "summary: …" to it',
    roles: 'add a line "roles: [Role, …]" to the frontmatter',
    url: 'use a full http:// or https:// link in "url"',
    id: TEXT_HINTS.id!,
    date: 'write "date: YYYY-MM-DD" in the frontmatter, e.g. "date: 2026-11-20"',
  },
};

export function hintsFor(format: Format): Record<string, string> {
  return format === 'text' ? TEXT_HINTS : FIELD_HINTS[format];
}

/** Keys a JSON or frontmatter author may mean, beyond the schema's own ("bestFor" is read as roles). */
const SUMMARY_FIELDS = Object.keys(SummarySchema.shape).filter((key) => key !== 'id');

/** Other words for a field, as the text format and other tools use them. */
const FIELD_ALIASES: Record<string, string> = {
  bestfor: 'roles',
  audience: 'roles',
  tags: 'topics',
  keywords: 'topics',
  link: 'url',
  href: 'url',
  articleurl: 'url',
};

/** `Title`, `role`, `takeaways`: a field the loader would ignore, named with the one it probably is. */
export function unknownFieldWarnings(parsed: ParsedText, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(parsed.raw)) {
    if (SUMMARY_FIELDS.includes(key) || key === '$schema') continue;
    const folded = key.toLowerCase().replace(/[\s_-]/g, '');
    // An own key only: "constructor" would otherwise find Object's own and name a function.
    const meant =
      (Object.hasOwn(FIELD_ALIASES, folded) ? FIELD_ALIASES[folded] : undefined) ?? closestWord(key, SUMMARY_FIELDS);
    problems.push({
      severity: 'warning',
      file,
      line: ownLine(parsed.lines, key) ?? 1,
      field: key,
      message: 'is not a summary field and is ignored',
      hint: meant ? `did you mean "${meant}"?` : `use one of: ${SUMMARY_FIELDS.join(', ')}`,
    });
  }
  return problems;
}

/** "summary: is required" reads badly for a section; name the section the editor has to add. */
export function withMissingMessage(problem: Problem, parsed: ParsedText): Problem {
  const { lines } = parsed;
  if (
    problem.message !== 'is required' &&
    problem.message !== 'is empty' &&
    !problem.message.startsWith('needs at least one')
  )
    return problem;
  const section: Record<string, string> = {
    summary: 'the "Summary" section is missing',
    roles: 'the "Best for:" line is missing',
    title: 'the title is missing',
  };
  // A "Best for:" line that is there but names nothing: "missing" would send the editor looking for it.
  if (problem.field === 'roles' && ownLine(lines, 'roles') !== undefined)
    return { ...problem, message: 'the "Best for:" line names no role' };
  // Written without its colon, the line was read as text: point at it rather than at the file's end.
  const uncolonned = parsed.bestForWithoutColon;
  if (problem.field === 'roles' && uncolonned)
    return {
      ...problem,
      line: uncolonned.line,
      message: `the "Best for:" line is missing: "${uncolonned.text}" has no colon after "${labelOf(uncolonned.text)}"`,
      hint: 'write it "Best for: Role, Role, …"',
    };
  const message = Object.hasOwn(section, problem.field ?? '') ? section[problem.field ?? ''] : undefined;
  return message ? { ...problem, message } : problem;
}

/** The label a roles line without its colon starts with, as written ("Best for", "Audience"). */
function labelOf(line: string): string {
  return /(?:best\s+for|audience|roles)/i.exec(line)?.[0] ?? 'Best for';
}

/**
 * Frontmatter text YAML read as another type (`title: 1984`, `topics: [AI, 2026]`, `title: true`): "write it as text" does not say how; quotes do.
 */
export function withYamlQuoteHint(problem: Problem): Problem {
  const found = /^must be text, not (a number|true or false)$/.exec(problem.message);
  if (!found) return problem;
  const what = found[1] === 'a number' ? 'a number' : 'true or false';
  return { ...problem, hint: `put it in quotes ("…"): without them, YAML reads it as ${what}` };
}
