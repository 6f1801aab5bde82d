import { z } from 'zod';
import { LIMITS } from '../load/limits.js';
import { closeIsolates, headerSafe, isoDate, plainText } from './_fields.js';

const tooLong = (limit: number) => `is too long — limit ${limit} characters`;

/** The values a subject template can read (see render/lead.ts, which fills every one). */
export const SUBJECT_VALUES = [
  'lead',
  'top',
  'count',
  'more',
  'roles',
  'week',
  'weekLabel',
  'date',
  'title',
  'brand',
] as const;
export type SubjectValue = (typeof SUBJECT_VALUES)[number];

/** Words a mustache may start with that are not values: Handlebars' own. */
const HANDLEBARS_WORDS = new Set(['else', 'this', 'lookup', 'log']);

/**
 * Names a subject template reads as plain `{{name}}` (or `{{{name}}}`) that are no subject value:
 * such a typo (`{{wek}}`) renders as nothing, and a subject of only that goes out empty.
 */
export function unknownSubjectNames(source: string): string[] {
  const unknown = new Set<string>();
  for (const match of source.matchAll(/\{\{\{?~?\s*([A-Za-z_$][\w$-]*)(?:\.[\w$-]+)*\s*~?\}?\}\}/g)) {
    const name = match[1]!;
    if (!(SUBJECT_VALUES as readonly string[]).includes(name) && !HANDLEBARS_WORDS.has(name)) unknown.add(name);
  }
  return [...unknown];
}

/**
 * Why a subject template would not compile, found without Handlebars (which commands that render
 * nothing do not load): a "{{" never closed, or a block ({{#if …}}, {{#each …}}) not closed by its
 * own {{/…}}. Undefined when the mustaches pair up.
 */
export function subjectTemplateProblem(source: string): string | undefined {
  const open: string[] = [];
  let at = 0;
  for (;;) {
    const start = source.indexOf('{{', at);
    if (start < 0) break;
    const end = source.indexOf('}}', start + 2);
    if (end < 0) return `"${source.slice(start, start + 20)}" is never closed with "}}"`;
    const inner = source.slice(start + 2, end).replace(/^[{~\s]+|[}~\s]+$/g, '');
    const block = /^([#^/])\s*([\w$-]*)/.exec(inner);
    // A bare {{^}} is Handlebars' short "else", not a block.
    if (block?.[1] === '#' || (block?.[1] === '^' && block[2])) open.push(block[2]!);
    else if (block?.[1] === '/') {
      const expected = open.pop();
      if (expected !== block[2]) {
        return expected === undefined
          ? `{{/${block[2]}}} closes no block`
          : `{{#${expected}}} is closed by {{/${block[2]}}}`;
      }
    }
    at = end + 2;
  }
  const unclosed = open.pop();
  return unclosed === undefined ? undefined : `{{#${unclosed}}} is never closed with {{/${unclosed}}}`;
}

/** A list of role names in issue.json (`roleOrder`, `quietRoles`). */
const roleNames = z
  .array(z.string().trim().min(1).max(LIMITS.roleLength, tooLong(LIMITS.roleLength)))
  .max(LIMITS.taxonomyRoles, `has too many roles — limit ${LIMITS.taxonomyRoles}`)
  .optional();

/** Text for one role or one variant, in place of the issue's own or the built default. */
const IssueOverrideSchema = z
  .object({
    subject: headerSafe.pipe(z.string().trim().min(1).max(LIMITS.titleLength, tooLong(LIMITS.titleLength))).optional(),
    preheader: plainText(
      z.string().trim().max(200, 'should stay under 200 characters; inboxes show about 90'),
    ).optional(),
    intro: plainText(z.string().trim().max(LIMITS.textLength, tooLong(LIMITS.textLength))).optional(),
  })
  .strict();

export const IssueManifestSchema = z.object({
  $schema: z.string().optional(),
  /**
   * Handlebars template; may use {{lead}} (the variant's top story, "+ N more"), {{top}}, {{count}},
   * {{more}}, {{roles}}, {{week}}, {{date}}, {{title}}, {{brand}}.
   */
  subject: headerSafe.pipe(
    z.string().trim().min(1, 'is required').max(LIMITS.titleLength, tooLong(LIMITS.titleLength)),
  ),
  /** The issue's publication date; the digest covers the ISO week it falls in. */
  date: isoDate,
  /**
   * The subject may include it ({{title}}): header-bound like the subject. Set inside the subject's
   * sentence, it has the isolates it leaves open closed, as a story's title has (see `closeIsolates`).
   */
  title: headerSafe
    .pipe(z.string().trim().max(LIMITS.titleLength, tooLong(LIMITS.titleLength)))
    .overwrite(closeIsolates)
    .optional(),
  intro: plainText(z.string().trim().max(LIMITS.textLength, tooLong(LIMITS.textLength))).optional(),
  preheader: plainText(
    z.string().trim().max(200, 'should stay under 200 characters; inboxes show about 90'),
  ).optional(),
  editorNote: plainText(z.string().trim().max(LIMITS.textLength, tooLong(LIMITS.textLength))).optional(),
  /**
   * Per-reader text, keyed by a variant id (`cto+executive`) or a role name (`CTO`); a variant id
   * wins over a role, and the first of a variant's roles with an entry wins over later ones.
   */
  overrides: z
    .record(z.string().trim().min(1).max(LIMITS.roleLength, tooLong(LIMITS.roleLength)), IssueOverrideSchema)
    .optional(),
  /** A draft is previewed and sent like any issue but left out of the public archive. */
  draft: z.boolean().optional(),
  /** Section order for this issue; roles not listed follow in order of first appearance. */
  roleOrder: roleNames,
  /**
   * Roles the editor accepts have nothing this week: the check's warnings about their readers are
   * left out (a reader with only such roles gets no email, as without this).
   */
  quietRoles: roleNames,
  /** Summary files relative to the issue folder, in reading order. */
  summaries: z
    .array(z.string().trim().min(1).max(LIMITS.urlLength, tooLong(LIMITS.urlLength)))
    .min(1, 'must list at least one summary file')
    .max(LIMITS.summariesPerIssue, `has too many summaries — limit ${LIMITS.summariesPerIssue}`),
});

export type IssueManifest = z.infer<typeof IssueManifestSchema>;
