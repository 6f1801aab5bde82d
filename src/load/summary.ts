import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { append } from '../append.js';
import { hasErrors, type Problem } from '../errors.js';
import { type Summary, SummarySchema } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { closestWord } from '../suggest.js';
import { decodeFieldReferences } from './_character-references.js';
import { commaRolesJoined } from './_comma-roles.js';
import { decodeText } from './_decode.js';
import { readFieldObjects } from './_field-objects.js';
import { tagsAsTopics } from './_note-tags.js';
import { decodedLinkWarnings, parsePastedText } from './_pasted-markup.js';
import { rolesProseErrors } from './_roles-prose.js';
import { addressedSource, sameAddress } from './_source-address.js';
import { isSectionHeading, isSummaryHeading } from './_text-headings.js';
import { linkLineAddress, slackLinkLineOf } from './_text-labels.js';
import { zodProblems } from './_validate.js';
import { wordSubBulletOf } from './_word-bullets.js';
import { parseJsonFields } from './json-summary.js';
import { byteLength, fileSize, LIMITS, tooDeep, tooLarge, yamlTooDeepAt } from './limits.js';
import { linkNotRead, type MarkdownBody, prepareMarkdownBody } from './markdown-body.js';
import { withoutInlineMarks } from './markdown-inline.js';
import { joinLines, LIST_JOINER, type ParsedText, parseSummaryText, splitLines, splitRoles } from './text.js';

export { decodeText };

export interface LoadedSummary {
  summary: Summary | undefined;
  problems: Problem[];
  /** Why the file could not be read at all, for a manifest naming it to say so. */
  unreadable?: 'missing' | 'folder' | 'denied';
}

export const SUMMARY_EXTENSIONS = ['.txt', '.json', '.md', '.markdown'] as const;

type Format = 'text' | 'json' | 'markdown';

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

function hintsFor(format: Format): Record<string, string> {
  return format === 'text' ? TEXT_HINTS : FIELD_HINTS[format];
}

/** The summary id is the file name without extension, made into a slug. */
export function summaryIdFromFile(file: string): string {
  return basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export async function loadSummaryFile(
  file: string,
  taxonomy: RoleTaxonomy,
  displayName = file,
  /** Awaited between reading and parsing: lets a caller read many files at once and parse them in order. */
  beforeParse?: () => Promise<unknown>,
): Promise<LoadedSummary> {
  const size = await fileSize(file);
  if (size !== undefined && size > LIMITS.summaryBytes)
    return { summary: undefined, problems: [tooLarge(displayName, size, LIMITS.summaryBytes, SPLIT_HINT)] };
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR')
      return { ...fail(displayName, 'file', 'is a folder', 'name a summary file in it'), unreadable: 'folder' };
    if (code === 'EACCES' || code === 'EPERM')
      return {
        ...fail(displayName, 'file', 'cannot be read (permission denied)', 'let the user running rolecast read it'),
        unreadable: 'denied',
      };
    return {
      ...fail(displayName, 'file', 'could not be read (does the file exist?)', 'check the path'),
      unreadable: 'missing',
    };
  }
  await beforeParse?.();
  const { text, legacyEncoding } = decodeText(bytes);
  const loaded = parseSummary(text, displayName, taxonomy, summaryIdFromFile(file));
  if (legacyEncoding) {
    loaded.problems.unshift({
      severity: 'warning',
      file: displayName,
      line: 1,
      field: 'file',
      message: 'is not UTF-8; read as Windows-1252',
      hint: 'save the file as UTF-8 so quotes and accents survive every tool',
    });
  }
  return loaded;
}

/** Parses one summary from text in any supported format, chosen by the file's extension. */
export function parseSummary(
  text: string,
  file: string,
  taxonomy: RoleTaxonomy,
  id = summaryIdFromFile(file),
): LoadedSummary {
  const loaded = parseUncapped(text, file, taxonomy, id);
  return { ...loaded, problems: capRepeats(loaded.problems) };
}

/** Identical problems (same severity, field and message) listed per file before the rest are counted. */
const REPEATS_SHOWN = 10;

/**
 * One problem per line is right for a few lines and a flood for a hostile file (a 1 MB file of
 * bare CRs is 500,000 warnings): past REPEATS_SHOWN, one more problem counts the rest.
 */
function capRepeats(problems: Problem[]): Problem[] {
  if (problems.length <= REPEATS_SHOWN) return problems;
  const seen = new Map<string, { count: number; first?: Problem }>();
  const kept: Problem[] = [];
  for (const problem of problems) {
    const key = `${problem.severity}\0${problem.field ?? ''}\0${problem.message}`;
    const entry = seen.get(key) ?? { count: 0 };
    seen.set(key, entry);
    if (++entry.count <= REPEATS_SHOWN) kept.push(problem);
    else entry.first ??= problem;
  }
  for (const { count, first } of seen.values()) {
    if (!first) continue;
    const more = count - REPEATS_SHOWN;
    kept.push({ ...first, message: `${first.message} (and ${more} more like this from here on)` });
  }
  return kept;
}

function parseUncapped(text: string, file: string, taxonomy: RoleTaxonomy, id: string): LoadedSummary {
  const size = byteLength(text);
  if (size > LIMITS.summaryBytes)
    return { summary: undefined, problems: [tooLarge(file, size, LIMITS.summaryBytes, SPLIT_HINT)] };
  if (text.replace(/^\uFEFF/, '').trim() === '')
    return fail(file, 'file', 'is empty', 'write a summary in it, or remove it from the issue');
  const ext = extname(file).toLowerCase();
  let parsed: ParsedText;
  let format: Format;
  if (ext === '.json') {
    const json = parseJsonFields(text, file);
    if ('problem' in json) return { summary: undefined, problems: [json.problem] };
    parsed = json;
    format = 'json';
  } else if (ext === '.md' || ext === '.markdown') {
    parsed = parseMarkdown(text, file);
    // Frontmatter that cannot be read is one problem; "title is missing" after it would be noise.
    if (parsed.fatal) return { summary: undefined, problems: parsed.problems };
    format = parsed.frontmatter ? 'markdown' : 'text';
  } else if (ext === '.txt' || ext === '') {
    parsed = parsePastedText(text, file);
    format = 'text';
  } else {
    return fail(file, 'file', `has an unsupported extension "${ext}"`, `use one of ${SUMMARY_EXTENSIONS.join(', ')}`);
  }
  return finish(parsed, file, id, taxonomy, format);
}

function finish(parsed: ParsedText, file: string, id: string, taxonomy: RoleTaxonomy, format: Format): LoadedSummary {
  const problems = [...parsed.problems];
  // Prose under a "## Best for" heading is refused, but never a role the taxonomy names.
  append(
    problems,
    rolesProseErrors(parsed.rolesProse ?? [], (role) => taxonomy.lookup(role) !== undefined, file),
  );
  // Nothing was read (e.g. the frontmatter was refused): the error already says why.
  if (hasErrors(problems) && Object.keys(parsed.raw).length === 0) return { summary: undefined, problems };
  if (format !== 'text') append(problems, unknownFieldWarnings(parsed, file));
  const raw: Record<string, unknown> & { id: string } = { ...parsed.raw, id };
  // ["Engineering Manager, Software Engineer"] names two roles, as a "Best for" line would.
  const roles: unknown = raw.roles;
  if (Array.isArray(roles) && roles.some((role) => typeof role === 'string' && role.includes(',')))
    raw.roles = roles.flatMap((role: unknown) => (typeof role === 'string' ? splitRoles(role) : [role]));
  // `roles: [CTO, Executive, and Product Manager]` (YAML's list, written as a sentence): the last
  // "and" is not part of the role, as in a Best for line.
  if (Array.isArray(raw.roles))
    raw.roles = raw.roles.map((role: unknown, index) =>
      index > 0 && typeof role === 'string' ? role.replace(LIST_JOINER, '') : role,
    );
  // "Head of Sales, EMEA": a role whose name holds a comma, when the roles file names it so.
  if (Array.isArray(raw.roles)) raw.roles = commaRolesJoined(raw.roles, (role) => taxonomy.lookup(role) !== undefined);
  const homePage = sourceAddressToLink(raw, parsed.lines);
  if (homePage !== undefined) problems.push({ ...homePage, file });
  const lineOf = (path: readonly PropertyKey[]) => {
    const field = String(path[0] ?? '');
    const line = ownLine(parsed.lines, field);
    if (line !== undefined) return line;
    if (field === 'roles') return parsed.missingLine ?? 1;
    return field === 'title' ? 1 : (parsed.lines.title ?? 1);
  };
  // A list over its limit is one problem, not one per item: refuse it before validating items.
  for (const [field, limit] of LIST_LIMITS) {
    const value = raw[field as keyof typeof raw];
    if (Array.isArray(value) && value.length > limit) {
      problems.push({
        severity: 'error',
        file,
        line: lineOf([field]),
        field,
        message: `has too many entries (${value.length})`,
        hint: `limit ${limit}`,
      });
    }
  }
  if (problems.some((p) => p.severity === 'error' && p.message.startsWith('has too many entries')))
    return { summary: undefined, problems };
  // A missing title is already reported with its own message; don't report it twice.
  const result = SummarySchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const titleReported = problems.some((p) => p.field === 'title' && p.severity === 'error');
    const hints = hintsFor(format);
    const zodFound = zodProblems(result.error, file, lineOf, (field) =>
      Object.hasOwn(hints, field) ? hints[field] : undefined,
    ).filter((p) => !(titleReported && p.field === 'title'));
    append(
      problems,
      zodFound.map((p) =>
        format === 'text' ? withMissingMessage(p, parsed) : format === 'markdown' ? withYamlQuoteHint(p) : p,
      ),
    );
    return { summary: undefined, problems };
  }
  if (problems.some((p) => p.severity === 'error')) return { summary: undefined, problems };

  const summary = result.data;
  const canonical: string[] = [];
  const joinedRoles = summary.roles.flatMap((role) => {
    const parts = ampersandRoles(role, taxonomy);
    if (parts === undefined) return [role];
    problems.push({
      severity: 'warning',
      file,
      line: lineOf(['roles']),
      field: 'roles',
      message: `"${role}" is read as ${parts.length} roles: ${parts.join(', ')}`,
      hint: `separate roles with commas: write "${parts.join(', ')}"`,
    });
    return parts;
  });
  for (const role of joinedRoles) {
    const name = taxonomy.normalise(role);
    if (taxonomy.lookup(role) === undefined) {
      const split = splitSuggestion(role, taxonomy);
      const closest = split ? undefined : taxonomy.closest(role);
      problems.push({
        severity: 'warning',
        file,
        line: lineOf(['roles']),
        field: 'roles',
        message: `unknown role "${role}"`,
        hint: split
          ? `roles are separated by commas only: write "${split.join(', ')}"`
          : closest
            ? `did you mean ${closest}? Or add it to the role taxonomy`
            : 'add it to the role taxonomy',
      });
    }
    if (!canonical.includes(name)) canonical.push(name);
  }
  return { summary: { ...summary, roles: canonical }, problems };
}

/**
 * "Source: Example Weekly (https://…)": readers see the source as a name. The address is the
 * article's link when none is given, and is left out of the name when it is the link already;
 * a different address stays where it was written, so nothing is lost.
 */
function sourceAddressToLink(
  raw: Record<string, unknown>,
  lines: Record<string, number>,
): Omit<Problem, 'file'> | undefined {
  const addressed = addressedSource(raw.source);
  if (addressed === undefined) return;
  // "Example Weekly, https://example.com/": the publication's home page, not the article. Readers
  // would be sent to the front page; the source is its name, and the editor is told the link is missing.
  if (raw.url === undefined && isHomePage(addressed.url)) {
    raw.source = addressed.name;
    return {
      severity: 'warning',
      line: lines.source ?? 1,
      field: 'url',
      message: `the source's address (${addressed.url}) is the publication's home page, not the article's: it is not the link`,
      hint: 'add a line "Link: https://…" with the article\'s own address',
    };
  }
  if (raw.url === undefined) {
    raw.url = addressed.url;
    if (lines.source !== undefined) lines.url = lines.source;
  } else if (typeof raw.url !== 'string' || !sameAddress(raw.url, addressed.url)) return;
  raw.source = addressed.name;
}

/** An address with no path, query or fragment: a site's front page. */
function isHomePage(url: string): boolean {
  return /^https?:\/\/[^/?#\s]+\/?$/i.test(url.trim());
}

/**
 * "ML Engineers & Data Scientists": two roles joined with "&", each one the taxonomy knows, read as
 * both (a reader of either gets the summary). A role the taxonomy knows by that name stays one.
 */
function ampersandRoles(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  if (role.length > 1_000 || !/\s&\s/.test(role) || taxonomy.lookup(role) !== undefined) return undefined;
  const parts = role.split(/\s+&\s+/).map((part) => part.trim());
  if (parts.length < 2 || !parts.every((part) => part !== '' && taxonomy.lookup(part) !== undefined)) return undefined;
  return parts.map((part) => taxonomy.normalise(part));
}

/**
 * "CTO; Executive" or "CTO / Engineering Manager" written as one role: when splitting on `;` or a
 * slash with a space beside it gives known roles, suggest the comma-separated form.
 */
function splitSuggestion(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  if (role.length > 1_000 || !/;|\s\/|\/\s|\sand\s|\s&\s/i.test(role)) return undefined;
  const parts = role
    .split(/;|\s+\/\s*|\s*\/\s+|\s+and\s+|\s+&\s+/i)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length < 2 || !parts.every((part) => taxonomy.lookup(part) !== undefined)) return undefined;
  return parts.map((part) => taxonomy.normalise(part));
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
function unknownFieldWarnings(parsed: ParsedText, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(parsed.raw)) {
    if (SUMMARY_FIELDS.includes(key) || key === '$schema') continue;
    const meant = FIELD_ALIASES[key.toLowerCase().replace(/[\s_-]/g, '')] ?? closestWord(key, SUMMARY_FIELDS);
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
function withMissingMessage(problem: Problem, parsed: ParsedText): Problem {
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

function parseMarkdown(text: string, file: string): ParsedText {
  const lines = splitLines(text);
  const problems: Problem[] = [];
  if (lines[0]?.trim() === '+++') {
    // Hugo's TOML front matter: read as text it would turn into stray lines and a missing title.
    problems.push({
      severity: 'error',
      file,
      line: 1,
      field: 'frontmatter',
      message: 'is TOML (between "+++" lines), which is not read',
      hint: 'write it as YAML between "---" lines: title: …, roles: [Role, …]',
    });
    return { raw: {}, lines: {}, problems, fatal: true };
  }
  if (lines[0]?.trim() !== '---') {
    // No frontmatter: treat the file as the text format with Markdown headings.
    const prepared = prepareMarkdownBody(lines, file, 1);
    const written = (text: string) => withoutInlineMarks(text, prepared.definitions);
    const unhashed = prepared.lines.map((l) => l.replace(/^#{1,6}\s+/, ''));
    const titled = headedTitle(lines, prepared);
    const parsed = parseSummaryText(
      titled === undefined ? unhashed.join('\n') : unhashed.map((l, i) => (i === titled.index ? '' : l)).join('\n'),
      file,
      {
        literal: prepared.literal,
        skip: prepared.skip,
        written,
        aloneLinks: prepared.aloneLinks,
        ...(titled ? { hasTitle: false } : {}),
      },
    );
    if (titled !== undefined) {
      parsed.raw.title = written(titled.text);
      parsed.lines.title = titled.index + 1;
      linkUnderTitle(prepared, titled.index, parsed);
    }
    const tagged = tagsAsTopics(prepared.tags, parsed.raw, parsed.lines, file, 1);
    return {
      ...parsed,
      problems: [...prepared.problems, ...wordedLinkUnread(prepared, parsed, file, 1), ...parsed.problems, ...tagged],
      rolesProse: prepared.rolesProse,
    };
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end < 0) {
    problems.push({
      severity: 'error',
      file,
      line: 1,
      field: 'frontmatter',
      message: 'is not closed',
      hint: 'end the frontmatter with a line "---"',
    });
    return { raw: {}, lines: {}, problems, fatal: true };
  }
  const frontmatter = lines.slice(1, end).join('\n');
  const size = byteLength(frontmatter);
  if (size > LIMITS.frontmatterBytes) {
    problems.push({
      ...tooLarge(file, size, LIMITS.frontmatterBytes, FRONTMATTER_HINT),
      line: 2,
      field: 'frontmatter',
    });
    return { raw: {}, lines: {}, problems };
  }
  const deepAt = yamlTooDeepAt(frontmatter);
  if (deepAt !== undefined) {
    problems.push(tooDeep(file, deepAt + 1, 'frontmatter'));
    return { raw: {}, lines: {}, problems };
  }
  // Null prototype: a key such as "constructor" or "__proto__" is looked up as itself.
  const lineOfKey: Record<string, number> = Object.create(null);
  lines.slice(1, end).forEach((line, index) => {
    const key = /^([A-Za-z_$][\w$]*)\s*:/.exec(line)?.[1];
    if (key && lineOfKey[key] === undefined) lineOfKey[key] = index + 2;
  });
  let front: unknown;
  try {
    // Warnings would go to the process (raw file text on stderr); errors are reported below.
    front = parseYaml(frontmatter, { logLevel: 'error', maxAliasCount: LIMITS.yamlAliases }) ?? {};
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    problems.push({
      severity: 'error',
      file,
      line: (line ?? 0) + 1,
      field: 'frontmatter',
      message: `invalid YAML: ${(error as Error).message.split('\n')[0]}`,
      hint: 'fix the YAML between the --- lines',
    });
    return { raw: {}, lines: {}, problems, fatal: true };
  }
  if (typeof front !== 'object' || front === null || Array.isArray(front)) {
    problems.push({
      severity: 'error',
      file,
      line: 2,
      field: 'frontmatter',
      message: 'must be a set of "field: value" lines',
      hint: 'see the README for the fields',
    });
    return { raw: {}, lines: {}, problems, fatal: true };
  }
  const raw: Record<string, unknown> = { ...(front as Record<string, unknown>) };
  delete raw.id;
  const unread = readFieldObjects(raw, (path) => lineOfKey[String(path[0])] ?? 2, file, 'markdown');
  if (unread.length > 0) return { raw: {}, lines: {}, problems: [...problems, ...unread], fatal: true };
  const writtenUrl = typeof raw.url === 'string' ? raw.url : undefined;
  append(problems, decodedLinkWarnings(decodeFieldReferences(raw), writtenUrl, raw, lineOfKey.url ?? 2, file));
  if (typeof raw.roles === 'string') raw.roles = splitRoles(raw.roles);
  if (raw.bestFor !== undefined && raw.roles === undefined) {
    raw.roles = typeof raw.bestFor === 'string' ? splitRoles(raw.bestFor) : raw.bestFor;
    lineOfKey.roles = lineOfKey.bestFor ?? 2;
    delete raw.bestFor;
  }
  const given = new Set(['roles', 'source'].filter((field) => raw[field] !== undefined));
  const prepared = prepareMarkdownBody(lines.slice(end + 1), file, end + 2, raw.url !== undefined, given);
  append(problems, prepared.problems);
  const written = (text: string) => withoutInlineMarks(text, prepared.definitions);
  const body = prepared.lines;
  const bodyText = body.join('\n').trim();
  const bodyHasSections = body.some(
    (line, index) => !prepared.literal.has(index) && (/^#{1,6}\s+\S/.test(line.trim()) || isSectionHeading(line)),
  );
  const bodyLine = end + 2 + body.findIndex((line) => line.trim() !== '');
  if (bodyHasSections) {
    const sections = parseSummaryText(body.join('\n'), file, {
      hasTitle: false,
      firstLine: end + 2,
      literal: prepared.literal,
      skip: prepared.skip,
      written,
      rolesAbove: raw.roles !== undefined,
      linkAbove: raw.url !== undefined,
      aloneLinks: prepared.aloneLinks,
    });
    append(problems, wordedLinkUnread(prepared, sections, file, end + 2));
    for (const [field, value] of Object.entries(sections.raw)) {
      const bodyAt = sections.lines[field] ?? end + 2;
      if (raw[field] === undefined) {
        raw[field] = value;
        lineOfKey[field] = bodyAt;
      }
      // Both would be read as the one field: keeping either silently drops the other's text.
      else
        problems.push({
          severity: 'error',
          file,
          line: bodyAt,
          field,
          message: `is given twice: in the frontmatter (line ${lineOfKey[field] ?? 2}) and in the body`,
          hint: 'keep it in one place: delete it from the frontmatter or the body section',
        });
    }
    append(problems, sections.problems);
  } else if (bodyText && raw.summary !== undefined) {
    problems.push({
      severity: 'error',
      file,
      line: bodyLine,
      field: 'summary',
      message: `is given twice: in the frontmatter (line ${lineOfKey.summary ?? 2}) and as the body text`,
      hint: 'keep it in one place: delete `summary:` from the frontmatter, or the body text',
    });
  } else if (bodyText) {
    // A "Link: https://…" line in a body without headings is the article link, as in the text format,
    // taken out of the summary readers see; the body's other paragraphs, above and below it, stay the
    // summary. Beside another link (the frontmatter's url, a Link line above) a line stays text.
    // A Slack link alone on a line ("<https://…|text>") is the link too; never text, its markup would show.
    const linkLines = body.flatMap((line, index) => {
      if (prepared.literal.has(index) || prepared.skip.has(index)) return [];
      const address = linkLineAddress(line.trim());
      const slack = address === undefined ? slackLinkLineOf(line.trim()) : undefined;
      if (slack !== undefined) return [{ index, address: slack, slack: true }];
      return address === undefined ? [] : [{ index, address, slack: false }];
    });
    const taken = raw.url === undefined ? linkLines[0] : undefined;
    const urlFrom = taken === undefined ? 'the frontmatter gives url' : 'another line gives the article link';
    if (taken !== undefined) {
      raw.url = taken.address;
      lineOfKey.url = taken.index + end + 2;
    }
    const skip = new Set([
      ...prepared.skip,
      ...linkLines.filter((link) => link.slack || link === taken).map((link) => link.index),
    ]);
    raw.summary = bodyParagraphs(body, prepared.literal, skip, written).join('\n\n');
    lineOfKey.summary = bodyLine;
    if (prepared.wordedLink !== undefined && prepared.wordedLink !== taken?.index)
      problems.push(linkNotRead(file, prepared.wordedLink + end + 2));
    for (const { index, address, slack } of linkLines)
      if (index !== taken?.index && !(typeof raw.url === 'string' && sameAddress(raw.url, address)))
        problems.push({
          severity: 'warning',
          file,
          line: index + end + 2,
          field: 'url',
          message: slack
            ? `this Slack link is left out: ${urlFrom} (line ${lineOfKey.url ?? 2})`
            : `this line is read as text, not as the article link: ${urlFrom} (line ${lineOfKey.url ?? 2})`,
          hint: 'keep the link in one place: delete this line or the other link',
        });
  }
  append(problems, tagsAsTopics(prepared.tags, raw, lineOfKey, file, end + 2));
  return { raw, lines: lineOfKey, problems, missingLine: 1, frontmatter: true, rolesProse: prepared.rolesProse };
}

/**
 * A note app's export puts the article's link under its title, as a paragraph of its own
 * (`[example.com](https://example.com/post)`): read as the summary's prose, readers got the site's
 * name as its first line and no link. With no other link given, it is the link and not the prose.
 */
function linkUnderTitle(prepared: MarkdownBody, titleIndex: number, parsed: ParsedText): void {
  if (parsed.raw.url !== undefined || typeof parsed.raw.summary !== 'string') return;
  let at = titleIndex + 1;
  while (at < prepared.lines.length && (prepared.lines[at]!.trim() === '' || prepared.skip.has(at))) at++;
  if (prepared.literal.has(at) || (prepared.lines[at + 1] ?? '').trim() !== '') return;
  const link = prepared.aloneLinks.get(at);
  if (link === undefined) return;
  const paragraphs = parsed.raw.summary.split(/\n\s*\n/);
  if (paragraphs.length < 2 || paragraphs[0]!.trim() !== (prepared.lines[at] ?? '').trim()) return;
  parsed.raw.summary = paragraphs.slice(1).join('\n\n');
  parsed.raw.url = link;
  parsed.lines.url = at + 1;
}

/**
 * A Markdown file without frontmatter that opens with a title heading (`# Title`, or a line
 * underlined with `===`) and no heading naming the summary: its prose under the title is the
 * summary, as a Markdown preview shows it, rather than text outside any section.
 */
function headedTitle(written: readonly string[], prepared: MarkdownBody): { index: number; text: string } | undefined {
  const index = prepared.lines.findIndex((line, at) => !prepared.skip.has(at) && line.trim() !== '');
  if (index < 0 || prepared.literal.has(index)) return undefined;
  const atx = /^ {0,3}#[ \t]+(\S.*?)(?:[ \t]+#+)?[ \t]*$/.exec(prepared.lines[index]!);
  const setext = /^ {0,3}=+[ \t]*$/.test(written[index + 1] ?? '') ? prepared.lines[index]!.trim() : undefined;
  const text = atx?.[1] ?? setext;
  // "# Summary" or "# Key takeaway" opening the file heads a section: the title is missing, not that word.
  if (text === undefined || isSectionHeading(text)) return undefined;
  const namesSummary = prepared.lines.some(
    (line, at) => at !== index && !prepared.literal.has(at) && isSummaryHeading(line.replace(/^#{1,6}\s+/, '')),
  );
  return namesSummary ? undefined : { index, text };
}

/**
 * The warning for a "Link: [the whole post](https://…)" line left for its label to read that was
 * read as text after all (it goes on a sentence), as it would have been beside another link.
 */
function wordedLinkUnread(prepared: MarkdownBody, parsed: ParsedText, file: string, firstLine: number): Problem[] {
  const line = prepared.wordedLink === undefined ? undefined : prepared.wordedLink + firstLine;
  return line === undefined || ownLine(parsed.lines, 'url') === line ? [] : [linkNotRead(file, line)];
}

/** A list item in a Markdown body: `- x`, `* x`, `+ x`, `1. x`, `2) x`. */
const BODY_BULLET = /^\s{0,8}(?:[-*+•]|\d{1,3}[.)])\s+/;

/**
 * A body without sections as the summary's paragraphs: blank lines part them, and each list item
 * is one of its own (without its marker), as under a paragraph heading in the text format. What
 * readers see of each is `written` of it, a code fence's lines as they are.
 */
function bodyParagraphs(
  body: readonly string[],
  literal: ReadonlySet<number>,
  skip: ReadonlySet<number>,
  written: (text: string) => string,
): string[] {
  const paragraphs: string[] = [];
  let current: { text: string; literal: boolean }[] = [];
  const close = () => {
    if (current.length) paragraphs.push(joinLines(current, written));
    current = [];
  };
  for (const [index, line] of body.entries()) {
    if (skip.has(index)) continue;
    const trimmed = line.trim();
    const item = trimmed === '' || literal.has(index) ? undefined : BODY_BULLET.exec(line);
    // Word's second-level bullet ("  o Drop them.") below a finished sentence: a paragraph of its own.
    const sub =
      item || trimmed === '' || literal.has(index) ? undefined : wordSubBulletOf(line, body[index - 1], false);
    if (trimmed === '' || item || sub !== undefined) close();
    if (sub !== undefined) current.push({ text: sub.trim(), literal: false });
    else if (item) current.push({ text: line.slice(item[0].length).trim(), literal: false });
    else if (trimmed !== '') current.push({ text: trimmed, literal: literal.has(index) });
  }
  close();
  return paragraphs;
}

/**
 * Frontmatter text YAML read as another type (`title: 1984`, `topics: [AI, 2026]`, `title: true`): "write it as text" does not say how; quotes do.
 */
function withYamlQuoteHint(problem: Problem): Problem {
  const found = /^must be text, not (a number|true or false)$/.exec(problem.message);
  if (!found) return problem;
  const what = found[1] === 'a number' ? 'a number' : 'true or false';
  return { ...problem, hint: `put it in quotes ("…"): without them, YAML reads it as ${what}` };
}

const LIST_LIMITS = [
  ['roles', LIMITS.rolesPerSummary],
  ['principles', LIMITS.listItems],
  ['practice', LIMITS.listItems],
  ['topics', LIMITS.listItems],
] as const;

const SPLIT_HINT = 'a summary is one article; shorten it';
const FRONTMATTER_HINT = 'keep only the fields in the frontmatter and put the text in the body';

function ownLine(lines: Record<string, number>, field: string): number | undefined {
  return Object.hasOwn(lines, field) ? lines[field] : undefined;
}

function fail(file: string, field: string, message: string, hint: string): LoadedSummary {
  return { summary: undefined, problems: [{ severity: 'error', file, line: 1, field, message, hint }] };
}
