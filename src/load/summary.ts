import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { append } from '../append.js';
import { hasErrors, type Problem } from '../errors.js';
import { type Summary, SummarySchema } from '../model/summary.js';
import { joinedReaderRoles } from '../roles/reader-roles.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { commaRolesJoined, titleCommaRoles } from './_comma-roles.js';
import { decodeText, encodingWarnings } from './_decode.js';
import { type Format, hintsFor, unknownFieldWarnings, withMissingMessage, withYamlQuoteHint } from './_field-hints.js';
import { ownLine } from './_field-lines.js';
import { sentenceEndDropped } from './_link-forms.js';
import { parsePastedText } from './_pasted-markup.js';
import { propertyLinesError } from './_property-lines.js';
import { ampersandRoles, markedRoles, splitSuggestion } from './_role-spellings.js';
import { rolesProseErrors } from './_roles-prose.js';
import { addressedSource, addressOnlyDropped, isHomePage, otherSiteSource, sameAddress } from './_source-address.js';
import { tagsLeftIn } from './_tags-left.js';
import { zodProblems } from './_validate.js';
import { parseJsonFields } from './json-summary.js';
import { byteLength, fileSize, LIMITS, tooLarge } from './limits.js';
import { parseMarkdown } from './markdown-summary.js';
import { LIST_JOINER, type ParsedText, splitRoles } from './text.js';

export { decodeText };

export interface LoadedSummary {
  summary: Summary | undefined;
  problems: Problem[];
  /** Why the file could not be read at all, for a manifest naming it to say so. */
  unreadable?: 'missing' | 'folder' | 'denied';
}

export const SUMMARY_EXTENSIONS = ['.txt', '.json', '.md', '.markdown'] as const;

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
  const decoded = decodeText(bytes);
  const loaded = parseSummary(decoded.text, displayName, taxonomy, summaryIdFromFile(file));
  loaded.problems.unshift(...encodingWarnings(decoded, displayName));
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
  const loaded = finish(parsed, file, id, taxonomy, format);
  if (loaded.summary && ext !== '.txt' && ext !== '')
    append(loaded.problems, tagsLeftIn(loaded.summary, parsed.lines, file));
  if (format !== 'text' || !loaded.problems.some(isSummaryMissing)) return loaded;
  // Fields written as property lines above the text: say how to write them, not what went missing.
  const properties = propertyLinesError(text, file, ext !== '.txt' && ext !== '');
  if (!properties) return loaded;
  const misread = (p: Problem) =>
    isSummaryMissing(p) ||
    p.message.startsWith('text outside any section') ||
    (p.line !== undefined && properties.lines.includes(p.line));
  return { summary: undefined, problems: [properties.problem, ...loaded.problems.filter((p) => !misread(p))] };
}

function isSummaryMissing(problem: Problem): boolean {
  return problem.severity === 'error' && problem.field === 'summary' && problem.message.endsWith('section is missing');
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
  const known = (role: string) => taxonomy.lookup(role) !== undefined;
  // A text summary's roles are its "Best for" line's, split already; a list's entries are each written
  // apart, a comma inside one joining what the roles file names with one ("Head of Sales, EMEA").
  const listed = format !== 'text';
  if (Array.isArray(roles) && roles.some((role) => typeof role === 'string' && role.includes(',')))
    raw.roles = roles.flatMap((role: unknown) =>
      typeof role !== 'string' ? [role] : listed ? commaRolesJoined(splitRoles(role), known) : splitRoles(role),
    );
  // `roles: [CTO, Executive, and Product Manager]` (YAML's list, written as a sentence): the last
  // "and" is not part of the role, as in a Best for line.
  if (Array.isArray(raw.roles))
    raw.roles = raw.roles.map((role: unknown, index) =>
      index > 0 && typeof role === 'string' ? role.replace(LIST_JOINER, '') : role,
    );
  // "Head of Sales, EMEA": a role whose name holds a comma, when the roles file names it so.
  if (Array.isArray(raw.roles)) raw.roles = commaRolesJoined(raw.roles, known, listed);
  // "Best for: VP, Engineering": a job title with a comma, each half no role, the whole one.
  const titled = !listed && Array.isArray(raw.roles) ? titleCommaRoles(raw.roles, known) : undefined;
  if (titled) raw.roles = titled.roles;
  // A text line's address is read without the sentence's end already; a field is told it was cut.
  if (typeof raw.url === 'string') raw.url = droppedEnd(raw.url, format, parsed.lines, problems, file);
  const homePage = sourceAddressToLink(raw, parsed.lines, (dropped, url) =>
    format === 'text' ? undefined : problems.push({ ...droppedWarning(dropped, url, 'source', parsed.lines), file }),
  );
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
  for (const { written, read } of titled?.titles ?? [])
    problems.push({
      severity: 'warning',
      file,
      line: lineOf(['roles']),
      field: 'roles',
      message: `"${written}" is read as one role, ${taxonomy.normalise(read)}`,
      hint: `write "${read}" without the comma, or separate two roles by a comma only when each is a role`,
    });
  const canonical: string[] = [];
  const joinedRoles = summary.roles.flatMap((role) => {
    // "CTO/VP Engineering", as job titles are written: each part a known role, read as each (as a
    // reader's roles are), so the story reaches both roles' readers if the editor sends anyway.
    // "CTO | Executive" or "CTO · Executive", as a profile lists roles, likewise.
    const parts = markedRoles(role, taxonomy) ?? ampersandRoles(role, taxonomy) ?? joinedReaderRoles(role, taxonomy);
    if (parts === undefined) return [role];
    problems.push({
      severity: 'warning',
      file,
      line: lineOf(['roles']),
      field: 'roles',
      message: `"${role}" is read as ${parts.length === 1 ? 'one role' : `${parts.length} roles`}: ${parts.join(', ')}`,
      hint: `separate roles with commas: write "${parts.join(', ')}"`,
    });
    return parts;
  });
  for (const role of joinedRoles) {
    const name = taxonomy.normalise(role);
    if (taxonomy.lookAlikeOf?.(role) !== undefined)
      problems.push({
        severity: 'warning',
        file,
        line: lineOf(['roles']),
        field: 'roles',
        message: `"${role}" is written with Cyrillic or Greek letters that look like Latin ones: it is read as ${name}`,
        hint: `retype it in Latin letters as ${name}`,
      });
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
  cut: (dropped: string, url: string) => void,
): Omit<Problem, 'file'> | undefined {
  const onlyFound = typeof raw.source === 'string' ? addressOnlyDropped(raw.source) : undefined;
  if (onlyFound?.dropped) cut(onlyFound.dropped, onlyFound.url);
  const only = onlyFound?.url;
  if (only !== undefined) {
    // A source that is only the article's address, wrapped or not, is its link when none is given.
    if (raw.url === undefined && isHomePage(only)) {
      raw.source = only;
      return homePageWarning(only, lines);
    }
    if (raw.url === undefined) {
      raw.url = only;
      if (lines.source !== undefined) lines.url = lines.source;
      delete raw.source;
    } else raw.source = only;
    return otherSiteSource(only, raw.url, lines.source);
  }
  const addressed = addressedSource(raw.source);
  if (addressed === undefined) return;
  if (addressed.dropped) cut(addressed.dropped, addressed.url);
  // "Example Weekly, https://example.com/": the publication's home page, not the article. Readers
  // would be sent to the front page; the source is its name, and the editor is told the link is missing.
  if (raw.url === undefined && isHomePage(addressed.url)) {
    raw.source = addressed.name;
    return homePageWarning(addressed.url, lines);
  }
  if (raw.url === undefined) {
    raw.url = addressed.url;
    if (lines.source !== undefined) lines.url = lines.source;
  } else if (typeof raw.url !== 'string' || !sameAddress(raw.url, addressed.url))
    return otherSiteSource(addressed.url, raw.url, lines.source);
  raw.source = addressed.name;
}

/** A link field's address without the sentence's end after it, the editor told what was cut. */
function droppedEnd(
  written: string,
  format: Format,
  lines: Record<string, number>,
  problems: Problem[],
  file: string,
): string {
  const { url, dropped } = sentenceEndDropped(written.trim());
  if (dropped && /^(?:https?|mailto):/i.test(url)) {
    if (format !== 'text') problems.push({ ...droppedWarning(dropped, url, 'url', lines), file });
    return url;
  }
  return written;
}

function droppedWarning(
  dropped: string,
  url: string,
  field: 'url' | 'source',
  lines: Record<string, number>,
): Omit<Problem, 'file'> {
  return {
    severity: 'warning',
    line: lines[field] ?? lines.url ?? 1,
    field: 'url',
    message: `"${dropped}" after the address is read as the sentence's end, not the link's: the link is ${url}`,
    hint: `remove "${dropped}" from the ${field}, or percent-encode it (%29 for ")", %2E for ".") if the address ends with it`,
  };
}

function homePageWarning(url: string, lines: Record<string, number>): Omit<Problem, 'file'> {
  return {
    severity: 'warning',
    line: lines.source ?? 1,
    field: 'url',
    message: `the source's address (${url}) is the publication's home page, not the article's: it is not the link`,
    hint: 'add a line "Link: https://…" with the article\'s own address',
  };
}

const LIST_LIMITS = [
  ['roles', LIMITS.rolesPerSummary],
  ['principles', LIMITS.listItems],
  ['practice', LIMITS.listItems],
  ['topics', LIMITS.listItems],
] as const;

const SPLIT_HINT = 'a summary is one article; shorten it';

function fail(file: string, field: string, message: string, hint: string): LoadedSummary {
  return { summary: undefined, problems: [{ severity: 'error', file, line: 1, field, message, hint }] };
}
