import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { z } from 'zod';
import { IssueManifestSchema, SUBJECT_VALUES, subjectTemplateProblem, unknownSubjectNames } from '../model/issue.js';
import { roleKey } from '../roles/taxonomy.js';
import { closestWord } from '../suggest.js';

/**
 * The editor panel's changes to `issue.json`, as a pure function from the file's text to its new
 * text. Unknown fields and key order are kept; the result is checked against the issue schema, so
 * an edit can never leave an `issue.json` that does not load.
 */

export const TEXT_FIELDS = ['subject', 'preheader', 'intro', 'editorNote'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

const path = z.string().trim().min(1).max(1000);

export const IssueEditSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), fields: z.partialRecord(z.enum(TEXT_FIELDS), z.string().max(20_000)) }),
  z.object({ op: z.literal('include'), path }),
  z.object({ op: z.literal('exclude'), path }),
  z.object({ op: z.literal('order'), list: z.enum(['summaries', 'roleOrder']), value: z.array(path).max(1000) }),
]);
export type IssueEdit = z.infer<typeof IssueEditSchema>;

/** A write names the version of `issue.json` its page was rendered from. */
export const EditRequestSchema = z.object({ version: z.string().min(1).max(100), edit: IssueEditSchema });

export interface EditContext {
  /** Summary files that may be included, as paths relative to the issue folder. */
  candidates: readonly string[];
  /** Role names the order may hold (the taxonomy's and this issue's summaries'). */
  roles: readonly string[];
  /**
   * The taxonomy's roles: only these (and roles `roleOrder` already lists) are written. A role
   * only a summary names (often a typo) is shown in the order but not written into the file, where
   * `new` would carry it on to every later issue.
   */
  taxonomyRoles: readonly string[];
  /** A role's canonical name (an alias to its role); as written when left out or unknown. */
  canonical?: ((role: string) => string) | undefined;
}

export type EditResult = { ok: true; text: string; changed: boolean } | { ok: false; message: string };

/** The version of an `issue.json`: a hash of its bytes, so any outside change is a new version. */
export function issueVersion(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 24);
}

/** How the file is written: 2-space JSON and a trailing newline. */
export function formatIssue(manifest: Record<string, unknown>): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Where a field goes when it is added: the order the schema lists them in. */
const KEY_ORDER = Object.keys(IssueManifestSchema.shape);

type Manifest = Record<string, unknown>;

export function applyEdit(text: string, edit: IssueEdit, context: EditContext): EditResult {
  let manifest: Manifest;
  try {
    const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    manifest = parsed as Manifest;
  } catch {
    return fail('issue.json is not a valid JSON object: fix it in your editor first');
  }
  const next = change(manifest, edit, context);
  if (typeof next === 'string') return fail(next);
  const checked = IssueManifestSchema.safeParse(next);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join('.') || 'issue.json'}: ${i.message}`);
    return fail(`not saved: issue.json would become invalid (${issues.join('; ')})`);
  }
  // The loader refuses a subject that is no template or reads no value: refused here, not written.
  const subject = edit.op === 'set' && edit.fields.subject !== undefined ? checked.data.subject : undefined;
  const broken = subject === undefined ? undefined : subjectProblem(subject);
  if (broken) return fail(`not saved: the subject ${broken}`);
  const out = inStyleOf(text, formatIssue(next));
  return { ok: true, text: out, changed: out !== text };
}

/**
 * The new text with the byte order mark and Windows line endings of the file it replaces, as an
 * editor on Windows saved it: otherwise every line would show as changed. JSON strings escape their
 * own line breaks, so only the layout's are turned.
 */
function inStyleOf(original: string, formatted: string): string {
  const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
  return bom + (original.includes('\r\n') ? formatted.replace(/\n/g, '\r\n') : formatted);
}

/** Line breaks, tabs and ASCII spaces; not the no-break and other typographic spaces. */
const LINE_SPACE = /[ \t\n\v\f\r\u0085\u2028\u2029]+/g;

function subjectProblem(subject: string): string | undefined {
  const broken = subjectTemplateProblem(subject);
  if (broken) return `is not a valid template: ${broken}`;
  const unknown = unknownSubjectNames(subject)[0];
  if (unknown === undefined) return undefined;
  const closest = closestWord(unknown, SUBJECT_VALUES);
  return `reads {{${unknown}}}, which is no subject value and would be written as nothing${closest ? ` (did you mean {{${closest}}}?)` : ''}`;
}

function fail(message: string): EditResult {
  return { ok: false, message };
}

/** The edited manifest, or why the edit cannot be made. */
function change(manifest: Manifest, edit: IssueEdit, context: EditContext): Manifest | string {
  switch (edit.op) {
    case 'set': {
      let next = manifest;
      for (const field of TEXT_FIELDS) {
        const value = edit.fields[field];
        if (value === undefined) continue;
        // Line breaks cannot go into a header: subject and preheader are single lines. Only breaks
        // and plain spaces are folded: a no-break space (10 km, « mot ») is written as typed.
        const cleaned =
          field === 'intro' || field === 'editorNote' ? value.trim() : value.replace(LINE_SPACE, ' ').trim();
        next = cleaned === '' && field !== 'subject' ? withoutKey(next, field) : withKey(next, field, cleaned);
      }
      return next;
    }
    case 'include': {
      const list = summariesOf(manifest);
      if (typeof list === 'string') return list;
      const wanted = normalisePath(edit.path);
      if (!context.candidates.some((c) => normalisePath(c) === wanted))
        return `"${edit.path}" is not a summary file this issue can include`;
      if (list.some((entry) => normalisePath(entry) === wanted)) return `"${edit.path}" is already in this issue`;
      return withKey(manifest, 'summaries', [...list, edit.path]);
    }
    case 'exclude': {
      const list = summariesOf(manifest);
      if (typeof list === 'string') return list;
      const at = list.lastIndexOf(edit.path);
      if (at < 0) return `"${edit.path}" is not listed in issue.json`;
      // One entry goes: excluding the second copy of a summary listed twice (an error the loader
      // names) must not take the summary out of the issue altogether.
      return withKey(
        manifest,
        'summaries',
        list.filter((_, index) => index !== at),
      );
    }
    case 'order':
      return edit.list === 'summaries'
        ? reorderSummaries(manifest, edit.value)
        : reorderRoles(manifest, edit.value, context);
  }
}

/** A new order is the same entries, moved: include and exclude are edits of their own. */
function reorderSummaries(manifest: Manifest, order: readonly string[]): Manifest | string {
  const list = summariesOf(manifest);
  if (typeof list === 'string') return list;
  const sorted = (values: readonly string[]) => [...values].sort().join('\n');
  if (order.length !== list.length || sorted(order) !== sorted(list))
    return 'the new order does not list the same summaries as issue.json';
  return withKey(manifest, 'summaries', [...order]);
}

/**
 * Roles listed in `issue.json` but left out of the new order (roles with no summary this week) keep
 * their place, each after the role it followed: reordering never drops or moves a role silently.
 */
function reorderRoles(manifest: Manifest, order: readonly string[], context: EditContext): Manifest | string {
  const current = manifest.roleOrder === undefined ? [] : manifest.roleOrder;
  if (!Array.isArray(current) || current.some((r) => typeof r !== 'string'))
    return 'roleOrder in issue.json is not a list of role names';
  // An alias in the file ("Chief Technology Officer") is the role the page names ("CTO").
  const keyOf = (role: string) => roleKey(context.canonical?.(role) ?? role);
  const known = new Set([...current, ...context.roles].map(keyOf));
  const seen = new Set<string>();
  for (const role of order) {
    const key = keyOf(role);
    if (seen.has(key)) return `role "${role}" is listed twice`;
    if (!known.has(key)) return `"${role}" is not a known role`;
    seen.add(key);
  }
  const listed = current as string[];
  const writable = new Set([...listed, ...context.taxonomyRoles].map(keyOf));
  const result = order.filter((role) => writable.has(keyOf(role)));
  const keys = () => result.map(keyOf);
  listed.forEach((role, index) => {
    if (seen.has(keyOf(role))) return;
    const before = listed
      .slice(0, index)
      .reverse()
      .find((r) => keys().includes(keyOf(r)));
    result.splice(before === undefined ? 0 : keys().indexOf(keyOf(before)) + 1, 0, role);
  });
  return withKey(manifest, 'roleOrder', result);
}

function summariesOf(manifest: Manifest): string[] | string {
  const list = manifest.summaries;
  if (!Array.isArray(list) || list.some((entry) => typeof entry !== 'string'))
    return 'summaries in issue.json is not a list of file paths';
  return list as string[];
}

function normalisePath(entry: string): string {
  return posix.normalize(entry.trim().replace(/\\/g, '/'));
}

/** Sets a field in place when present; a new field goes where the schema lists it. */
function withKey(manifest: Manifest, key: string, value: unknown): Manifest {
  if (Object.hasOwn(manifest, key)) return { ...manifest, [key]: value };
  const rank = KEY_ORDER.indexOf(key);
  const entries = Object.entries(manifest);
  const before = entries.findIndex(([other]) => {
    const otherRank = KEY_ORDER.indexOf(other);
    return otherRank > rank;
  });
  const at = before < 0 ? entries.length : before;
  entries.splice(at, 0, [key, value]);
  return Object.fromEntries(entries);
}

function withoutKey(manifest: Manifest, key: string): Manifest {
  const { [key]: _removed, ...rest } = manifest;
  return rest;
}
