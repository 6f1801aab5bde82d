import Handlebars from 'handlebars';
import { hasOtherSpace } from './minify.js';
import type { DigestView } from './view.js';

/** A role set's own lines: which class a view is of, and the values its class's tokens stand for. */

/** The variant's lines that differ between role sets, by where they sit in the view. */
const LINES = [
  ['subject'],
  ['audience'],
  ['issue', 'lead'],
  ['issue', 'preheader'],
  ['issue', 'intro'],
  ['contents', 'summary'],
] as const;

/** Fields of the view that hold a variant's own lines and lists; everything else is the language's. */
const OWN = new Set(['subject', 'audience', 'isEditorEdition', 'contents', 'sections', 'issue']);
const OWN_ISSUE = new Set(['lead', 'preheader', 'intro']);

/**
 * The class a view belongs to: its language, the lengths of its lists, and which of its lines are
 * empty. Undefined when a line holds white space the minifier would change (its token would not).
 */
export function classKey(view: DigestView): string | undefined {
  let key = `${view.language}\u0000${view.sections.length}\u0000${view.contents.sections.length}\u0000${view.isEditorEdition}\u0000${view.contents.showHeadings}`;
  for (const path of LINES) {
    const value = lineOf(view, path);
    if (value === undefined || value === '') key += value === undefined ? 'u' : 'e';
    else if (typeof value !== 'string' || !steady(value)) return undefined;
    else key += 's';
  }
  return key;
}

/** The variant's lines as its HTML shows them, in the order of `LINES`. */
export function lineValues(view: DigestView): string[] {
  return LINES.map((path) => {
    const value = lineOf(view, path);
    return typeof value === 'string' ? Handlebars.Utils.escapeExpression(value) : '';
  });
}

function lineOf(view: DigestView, path: (typeof LINES)[number]): unknown {
  return path.length === 1 ? view[path[0]] : (view[path[0]] as unknown as Record<string, unknown>)[path[1]];
}

/**
 * No leading, trailing or repeated space, and no other white space the minifier would change (a
 * no-break space is text to it, see minify.ts).
 */
function steady(value: string): boolean {
  return !(value.startsWith(' ') || value.endsWith(' ') || value.includes('  ') || hasOtherSpace(value));
}

/** True when the two views agree on every field that is not a variant's own. */
export function sameLanguageFields(a: DigestView, b: DigestView): boolean {
  for (const key of Object.keys(a) as (keyof DigestView)[]) {
    if (OWN.has(key)) continue;
    if (!deepEqual(a[key], b[key])) return false;
  }
  for (const key of Object.keys(a.issue) as (keyof DigestView['issue'])[]) {
    if (!OWN_ISSUE.has(key) && a.issue[key] !== b.issue[key]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
