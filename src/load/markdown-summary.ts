import { append } from '../append.js';
import { decodeFieldReferences } from '../character-references.js';
import type { Problem } from '../errors.js';
import { ownLine } from './_field-lines.js';
import { readFieldObjects } from './_field-objects.js';
import { readOtherWords } from './_frontmatter-words.js';
import { parseFrontmatterYaml } from './_frontmatter-yaml.js';
import { tagsAsTopics } from './_note-tags.js';
import { decodedLinkWarnings } from './_pasted-markup.js';
import { sameAddress } from './_source-address.js';
import { isSectionHeading, isSummaryHeading } from './_text-headings.js';
import { linkLineAddress, slackLinkLineOf } from './_text-labels.js';
import { wordSubBulletOf } from './_word-bullets.js';
import { byteLength, LIMITS, tooDeep, tooLarge, yamlTooDeepAt } from './limits.js';
import { linkNotRead, type MarkdownBody, prepareMarkdownBody } from './markdown-body.js';
import { onlyImages, withoutInlineMarks } from './markdown-inline.js';
import { joinLines, type ParsedText, parseSummaryText, splitLines, splitRoles } from './text.js';

/**
 * A Markdown summary: fields from its YAML frontmatter and the summary text from its body (or the
 * body's sections); without frontmatter, the text format read with Markdown headings.
 */
export function parseMarkdown(text: string, file: string): ParsedText {
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
        unseenItem: (text: string) => onlyImages(text, prepared.definitions),
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
  // Only a "---" at the start of its line ends the frontmatter: an indented one is a line of a
  // block value (`summary: |` holding a rule between its paragraphs), as YAML reads it.
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (end < 0) {
    const indented = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
    problems.push({
      severity: 'error',
      file,
      line: indented < 0 ? 1 : indented + 1,
      field: 'frontmatter',
      message: indented < 0 ? 'is not closed' : 'is not closed: this "---" has spaces before it',
      hint:
        indented < 0
          ? 'end the frontmatter with a line "---"'
          : 'end the frontmatter with a line "---" at the start of the line',
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
    front = parseFrontmatterYaml(frontmatter, LIMITS.yamlAliases) ?? {};
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
  append(problems, readOtherWords(raw, lineOfKey, file));
  const writtenUrl = typeof raw.url === 'string' ? raw.url : undefined;
  append(problems, decodedLinkWarnings(decodeFieldReferences(raw), writtenUrl, raw, lineOfKey.url ?? 2, file));
  if (typeof raw.roles === 'string') raw.roles = splitRoles(raw.roles);
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
      unseenItem: (text: string) => onlyImages(text, prepared.definitions),
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

const FRONTMATTER_HINT = 'keep only the fields in the frontmatter and put the text in the body';
