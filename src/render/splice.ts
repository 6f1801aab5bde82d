import Handlebars from 'handlebars';
import { type Cache, createCache } from './_cache.js';
import type { SplitSource } from './pieces.js';
import { createEnv, HTML_OPTIONS, runTemplate, type TemplateFile, type TemplateSet } from './templates.js';

/**
 * Renders a variant's templates from sections shared with other variants. Views of the same
 * render share card and section objects (see `SharedViews` in view.ts), so a partial whose output
 * depends only on its own context (and on `@root.colours` / `@root.labels`, the same for every
 * variant of a language) gives the same text for the same object: that text is kept and reused.
 * Whether a partial qualifies is read from its syntax tree, never assumed.
 *
 * In the MJML layout the `section` partial is not written out: a marker stands in its place, and
 * the pieces compiler (pieces.ts) places the section's compiled children there. The first variant
 * of each language is also rendered the ordinary way and compared; a template set whose spliced
 * output differs is rendered the ordinary way from then on.
 */

export const SECTION_PARTIAL = 'section';

export interface SplicedTemplates {
  /** The MJML source with sections apart, or undefined to render it the ordinary way. */
  html(view: { language: string }): SplitSource | undefined;
}

/** Data variables a reusable partial may read: the output is kept per combination of their values. */
const FRAME_DATA = ['first', 'last', 'index', 'key'] as const;
/** `@root` values that are the same for every variant of one language. */
const SHARED_ROOT = new Set(['colours', 'labels']);

export function createSplicedTemplates(templates: TemplateSet, nonce: string): SplicedTemplates {
  const reusableHtml = reusablePartials(templates.htmlPartials);
  const marker = (k: number) => `rcS${nonce}x${k}x`;

  // Sections met while rendering one skeleton, in order.
  let sections: string[] = [];
  let indents: string[] = [];
  const byValues = valueReadingPartials(templates.htmlPartials);
  const htmlEnv = createEnv(templates.htmlPartials, false, {
    options: HTML_OPTIONS,
    partial: (name, compiled) => {
      const paths = byValues.get(name);
      if (paths && name !== SECTION_PARTIAL) return memoByValues(compiled, paths) as unknown as Handlebars.Template;
      if (name !== SECTION_PARTIAL) return undefined;
      const data = reusableHtml.get(name);
      const render = data ? memo(compiled, data) : compiled;
      return ((context: unknown, options: Handlebars.RuntimeOptions & { indent?: string }) => {
        const by = options.indent ?? '';
        sections.push(indented(render(context, options), by));
        indents.push(by);
        return `<mj-raw>${marker(sections.length - 1)}</mj-raw>`;
      }) as unknown as Handlebars.Template;
    },
  });
  const skeleton = htmlEnv.compile(templates.layout.source, HTML_OPTIONS);

  // undefined until the first variant of the language was compared with the ordinary render.
  const htmlChecked = new Map<string, boolean>();

  const split = (view: unknown): SplitSource => {
    sections = [];
    indents = [];
    const source = runTemplate(skeleton, view, templates.layout);
    const own = { sections, indents };
    sections = [];
    indents = [];
    return {
      skeleton: source,
      marker,
      sections: own.sections,
      whole: () => {
        let out = source;
        own.sections.forEach((section, k) => {
          // Handlebars indented the one-line marker as it indents the section's lines.
          const element = `${own.indents[k]}<mj-raw>${marker(k)}</mj-raw>`;
          const at = out.indexOf(element);
          out = out.slice(0, at) + section + out.slice(at + element.length);
        });
        return out;
      },
    };
  };

  return {
    html(view) {
      const ok = htmlChecked.get(view.language);
      if (ok === false) return undefined;
      const result = split(view);
      if (ok === undefined) {
        const same = result.whole() === templates.renderHtml(view);
        htmlChecked.set(view.language, same);
        if (!same) return undefined;
      }
      return result;
    },
  };
}

// Reused section text is indented once per indentation.
const indentedTexts = new Map<string, Cache<string, string>>();
function indented(text: string, by: string): string {
  if (!by) return text;
  let byText = indentedTexts.get(by);
  if (!byText) {
    byText = createCache(500);
    indentedTexts.set(by, byText);
  }
  let out = byText.get(text);
  if (out === undefined) {
    out = indent(text, by);
    byText.set(text, out);
  }
  return out;
}

/** Handlebars indents every line of a standalone partial's output as it indents the call. */
function indent(text: string, by: string): string {
  if (!by) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i] && i + 1 === lines.length) break;
    lines[i] = by + lines[i];
  }
  return lines.join('\n');
}

type Render = (context: unknown, options: Handlebars.RuntimeOptions) => string;

/** Keeps a partial's output per context object and the values of the frame data it reads. */
function memo(render: Handlebars.TemplateDelegate, reads: readonly string[]): Render {
  const kept = new WeakMap<object, Map<string, string>>();
  return (context, options) => {
    const data = (options.data ?? {}) as Record<string, unknown>;
    if (typeof context !== 'object' || context === null || context === data.root) return render(context, options);
    const key = reads.map((name) => String(data[name])).join('\u0000');
    let byData = kept.get(context);
    if (!byData) {
      byData = new Map();
      kept.set(context, byData);
    }
    let out = byData.get(key);
    if (out === undefined) {
      out = render(context, options);
      byData.set(key, out);
    }
    return out;
  };
}

/**
 * Keeps a partial's output by the values it reads: for partials called with the whole view (head,
 * header, footer), which read the same few values in every variant.
 */
function memoByValues(render: Handlebars.TemplateDelegate, paths: readonly string[][]): Render {
  const kept = createCache<string, string>(500);
  return (context, options) => {
    if (typeof context !== 'object' || context === null) return render(context, options);
    const key = JSON.stringify(paths.map((path) => valueAt(context, path)));
    let out = kept.get(key);
    if (out === undefined) {
      out = render(context, options);
      kept.set(key, out);
    }
    return out;
  };
}

function valueAt(context: object, path: readonly string[]): unknown {
  let value: unknown = context;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return value === undefined ? null : String(value);
    value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value === undefined ? null : value;
}

/** Blocks that render their content with the same context and data. */
const SAME_CONTEXT_BLOCKS = new Set(['if', 'unless', 'repeat']);

/**
 * Partials whose output is fixed by a few values of their context: they read only plain paths
 * (no data variables, no `this`, no `../`), call no partials, and open only if/unless/repeat
 * blocks. The paths they read, by partial name.
 */
export function valueReadingPartials(partials: ReadonlyMap<string, TemplateFile>): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const [name, file] of partials) {
    const paths = new Map<string, string[]>();
    let ok = true;
    const visit = (node: unknown): void => {
      if (!ok) return;
      if (Array.isArray(node)) {
        for (const child of node) visit(child);
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      const n = node as Node;
      if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement' || n.type === 'DecoratorBlock') {
        ok = false;
        return;
      }
      if (n.type === 'BlockStatement') {
        const helper = n.path as Node;
        if (helper.type !== 'PathExpression' || !SAME_CONTEXT_BLOCKS.has(String(helper.original))) {
          ok = false;
          return;
        }
      }
      if (n.type === 'PathExpression') {
        const parts = (n.parts as string[]) ?? [];
        if (n.data || (n.depth as number) > 0 || parts.length === 0) {
          ok = false;
          return;
        }
        paths.set(parts.join('.'), parts);
        return;
      }
      for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value);
    };
    try {
      visit(Handlebars.parse(file.source));
    } catch {
      ok = false;
    }
    if (ok) out.set(name, [...paths.values()]);
  }
  return out;
}

/**
 * Partials whose output is fixed by their context object and the frame data they read (by name):
 * no `../`, no `@root` beyond colours and labels, no dynamic or block partials, and only partials
 * that qualify too.
 */
export function reusablePartials(partials: ReadonlyMap<string, TemplateFile>): Map<string, string[]> {
  const verdicts = new Map<string, Set<string> | null>();
  const check = (name: string, seen: Set<string>): Set<string> | null => {
    const known = verdicts.get(name);
    if (known !== undefined) return known;
    const file = partials.get(name);
    if (!file || seen.has(name)) return null;
    const reads = new Set<string>();
    let ok: boolean;
    try {
      ok = walk(Handlebars.parse(file.source), {
        seen: new Set(seen).add(name),
        inline: inlineNames(file.source),
        reads,
        check,
      });
    } catch {
      ok = false;
    }
    verdicts.set(name, ok ? reads : null);
    return ok ? reads : null;
  };
  const out = new Map<string, string[]>();
  for (const name of partials.keys()) {
    const reads = check(name, new Set());
    if (reads) out.set(name, [...reads].sort());
  }
  return out;
}

function inlineNames(source: string): Set<string> {
  return new Set([...source.matchAll(/\{\{#\*inline\s+"([^"]+)"/g)].map((m) => m[1]!));
}

interface Node {
  type?: string;
  [key: string]: unknown;
}

interface Walk {
  seen: Set<string>;
  inline: Set<string>;
  reads: Set<string>;
  check: (name: string, seen: Set<string>) => Set<string> | null;
}

function walk(node: unknown, w: Walk): boolean {
  if (Array.isArray(node)) return node.every((child) => walk(child, w));
  if (typeof node !== 'object' || node === null) return true;
  const n = node as Node;
  if (n.type === 'PartialBlockStatement') return false;
  if (n.type === 'PathExpression') {
    const parts = (n.parts as string[]) ?? [];
    if ((n.depth as number) > 0 || String(n.original).includes('../')) return false;
    if (!n.data) return true;
    const head = parts[0] ?? '';
    if (head === 'root') return parts.length > 1 && SHARED_ROOT.has(parts[1]!);
    if (!(FRAME_DATA as readonly string[]).includes(head)) return false;
    w.reads.add(head);
    return true;
  }
  if (n.type === 'PartialStatement') {
    const name = n.name as Node;
    if (name.type !== 'PathExpression') return false;
    const called = String(name.original);
    if (!w.inline.has(called)) {
      const reads = w.check(called, w.seen);
      if (!reads) return false;
      for (const r of reads) w.reads.add(r);
    }
  }
  for (const [key, value] of Object.entries(n)) {
    if (key === 'loc') continue;
    if (!walk(value, w)) return false;
  }
  return true;
}
