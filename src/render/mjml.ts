import type { Problem } from '../errors.js';
import { escapeRegExp } from '../escape.js';
import { displayPath } from '../load/_display.js';
import { type TemplateFile, type TemplateSet, TRACE_BEGIN, TRACE_END } from './templates.js';

/** An MJML validation error, as mjml-core reports it (line of the Handlebars output). */
interface MjmlError {
  line: number;
  message: string;
  tagName: string;
}

export interface MjmlResult {
  html: string;
  errors: MjmlError[];
}

type Mjml2Html = typeof import('mjml');
let loading: Promise<Mjml2Html> | undefined;
/** Loaded on first compile: about half a second, which a render whose output is cached never pays. */
function loadMjml(): Promise<Mjml2Html> {
  loading ??= import('mjml').then((module) => module.default as Mjml2Html);
  return loading;
}

/** What every compile hands MJML; the output cache keys on it too (see mjml-cache.ts). */
export function mjmlOptions(templates: TemplateSet): Record<string, unknown> {
  return {
    validationLevel: 'strict',
    keepComments: false,
    beautify: false,
    minify: false,
    // No remote fonts: the system font stack needs no download and no tracking request.
    fonts: {},
    ignoreIncludes: false,
    filePath: templates.layout.path,
    includePath: templates.dirs,
  };
}

/** Always awaited (mjml 5 is async), strictly validated, includes confined to the template folders. */
export async function compileMjml(source: string, templates: TemplateSet): Promise<MjmlResult> {
  const mjml2html = await loadMjml();
  try {
    const result = await mjml2html(source, mjmlOptions(templates) as Parameters<Mjml2Html>[1]);
    return { html: result.html, errors: (result.errors ?? []) as MjmlError[] };
  } catch (error) {
    const errors = (error as { errors?: MjmlError[] }).errors;
    if (Array.isArray(errors)) return { html: '', errors };
    throw error;
  }
}

/**
 * Points each MJML error at the template that produced the line: renders again with partial
 * markers (they add no line breaks, so line numbers still match) and finds the partial open at
 * that line, then the line within it whose text matches.
 */
export function mapMjmlErrors(errors: MjmlError[], templates: TemplateSet, view: unknown): Problem[] {
  const traced = templates.renderHtml(view, { trace: true });
  const lines = traced.split('\n');
  return errors.map((error) => {
    const { file, line } = locate(lines, error.line, templates);
    return {
      severity: 'error',
      file: displayPath(file.path),
      ...(line === undefined ? {} : { line }),
      field: error.tagName || 'mjml',
      message: `MJML: ${error.message}`,
      hint: 'fix the MJML at that line (see https://documentation.mjml.io)',
    };
  });
}

function locate(lines: string[], errorLine: number, templates: TemplateSet): { file: TemplateFile; line?: number } {
  const stack: { name: string; line: number }[] = [];
  const marker = new RegExp(`${escapeRegExp(TRACE_BEGIN)}([^-]+(?:-[^-]+)*)-->|${escapeRegExp(TRACE_END)}`, 'g');
  for (let index = 0; index < Math.min(errorLine - 1, lines.length); index++) {
    for (const match of lines[index]!.matchAll(marker)) {
      if (match[1] !== undefined) stack.push({ name: match[1], line: index + 1 });
      else stack.pop();
    }
  }
  // Markers earlier on the error line itself open before the element MJML complained about.
  const errorText = lines[errorLine - 1] ?? '';
  for (const match of errorText.matchAll(marker)) {
    if (match[1] !== undefined) stack.push({ name: match[1], line: errorLine });
    else stack.pop();
  }
  const open = stack.at(-1);
  const file = (open && templates.htmlPartials.get(open.name)) ?? templates.layout;
  const offset = open ? errorLine - open.line : errorLine - 1;
  const wanted = stripMarkers(errorText).trim();
  const sourceLines = file.source.split('\n');
  return { file, line: closestMatch(sourceLines, wanted, offset) };
}

/**
 * The source line whose text matches the output line, nearest the expected offset; else the offset.
 * A line equal to the output wins over one that only opens the same tag.
 */
function closestMatch(sourceLines: string[], wanted: string, offset: number): number {
  const tag = /^<\/?[\w-]+/.exec(wanted)?.[0];
  const trimmed = sourceLines.map((text) => text.trim());
  const nearest = (matches: (text: string) => boolean): number | undefined => {
    let best: number | undefined;
    trimmed.forEach((text, index) => {
      if (matches(text) && (best === undefined || Math.abs(index - offset) < Math.abs(best - offset))) best = index;
    });
    return best;
  };
  const best =
    nearest((text) => text === wanted) ?? (tag === undefined ? undefined : nearest((text) => text.startsWith(tag)));
  return (best ?? Math.min(Math.max(offset, 0), sourceLines.length - 1)) + 1;
}

function stripMarkers(text: string): string {
  return text.replace(/<!--rc-partial:.*?-->|<!--rc-end-->/g, '');
}
