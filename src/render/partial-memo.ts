import Handlebars from 'handlebars';
import { createCache } from './_cache.js';
import type { TemplateFile } from './templates.js';

/**
 * Which partials' output can be kept and reused across variants, read from their syntax trees, and
 * the wrappers that keep it: per context object and the frame data a partial reads, or per the few
 * values of the view a partial reads (see splice.ts, plain-text.ts).
 */

export type Render = (context: unknown, options: Handlebars.RuntimeOptions) => string;

/** Data variables a reusable partial may read: the output is kept per combination of their values. */
const FRAME_DATA = ['first', 'last', 'index', 'key'] as const;
/** `@root` values that are the same for every variant of one language. */
const SHARED_ROOT = new Set(['colours', 'labels']);

/** Keeps a partial's output per context object and the values of the frame data it reads. */
export function memoPartial(render: Handlebars.TemplateDelegate, reads: readonly string[]): Render {
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
export function memoByValues(render: Handlebars.TemplateDelegate, paths: readonly string[][]): Render {
  const kept = createCache<string, string>(500);
  return (context, options) => {
    if (typeof context !== 'object' || context === null) return render(context, options);
    const key = JSON.stringify(paths.map((path) => valueAt(context, path)));
    return kept.getOrSet(key, () => render(context, options));
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
  const check = partialChecker(partials, false);
  const out = new Map<string, string[]>();
  for (const name of partials.keys()) {
    const reads = check(name, new Set());
    if (reads) out.set(name, [...reads.frame].sort());
  }
  return out;
}

/** What a partial's output is fixed by, beside its context object. */
export interface PartialReads {
  /** The frame data it reads (`first`, `index`, …). */
  frame: string[];
  /** The `@root` paths it reads, itself or through the partials it calls. */
  root: string[][];
}

/**
 * `reusablePartials` for one partial, any `@root` path allowed: its output is fixed by its context
 * object, the frame data and the `@root` values it reads (see splice.ts, which keeps a section's
 * source by these). Undefined when it reads anything else.
 */
export function partialReads(partials: ReadonlyMap<string, TemplateFile>, name: string): PartialReads | undefined {
  const reads = partialChecker(partials, true)(name, new Set());
  return reads ? { frame: [...reads.frame].sort(), root: [...reads.root.values()] } : undefined;
}

interface Reads {
  frame: Set<string>;
  root: Map<string, string[]>;
}

function partialChecker(
  partials: ReadonlyMap<string, TemplateFile>,
  anyRoot: boolean,
): (name: string, seen: Set<string>) => Reads | null {
  const verdicts = new Map<string, Reads | null>();
  const check = (name: string, seen: Set<string>): Reads | null => {
    const known = verdicts.get(name);
    if (known !== undefined) return known;
    const file = partials.get(name);
    if (!file || seen.has(name)) return null;
    const reads: Reads = { frame: new Set(), root: new Map() };
    let ok: boolean;
    try {
      ok = walk(Handlebars.parse(file.source), {
        seen: new Set(seen).add(name),
        inline: inlineNames(file.source),
        reads,
        anyRoot,
        check,
      });
    } catch {
      ok = false;
    }
    verdicts.set(name, ok ? reads : null);
    return ok ? reads : null;
  };
  return check;
}

function inlineNames(source: string): Set<string> {
  return new Set([...source.matchAll(/\{\{#\*inline\s+"([^"]+)"/g)].map((m) => m[1]!));
}

interface Node {
  type?: string;
  [key: string]: unknown;
}

interface Walk {
  /** Inside the body of an `each` block. */
  inLoop?: boolean;
  seen: Set<string>;
  inline: Set<string>;
  reads: Reads;
  /** Any `@root` path may be read (and is noted), not only the shared ones. */
  anyRoot: boolean;
  check: (name: string, seen: Set<string>) => Reads | null;
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
    if (head === 'root') {
      if (parts.length < 2) return false;
      if (w.anyRoot) w.reads.root.set(parts.slice(1).join('.'), parts.slice(1));
      return w.anyRoot || SHARED_ROOT.has(parts[1]!);
    }
    if (!(FRAME_DATA as readonly string[]).includes(head)) return false;
    // Inside an `each` body the loop's own frame answers: the partial's place does not matter there.
    if (!w.inLoop) w.reads.frame.add(head);
    return true;
  }
  if (n.type === 'PartialStatement') {
    const name = n.name as Node;
    if (name.type !== 'PathExpression') return false;
    const called = String(name.original);
    if (!w.inline.has(called)) {
      const reads = w.check(called, w.seen);
      if (!reads) return false;
      if (!w.inLoop) for (const r of reads.frame) w.reads.frame.add(r);
      for (const [key, path] of reads.root) w.reads.root.set(key, path);
    }
  }
  if (n.type === 'BlockStatement' && !w.inLoop && (n.path as Node).original === 'each') {
    // `each` sets @key, @index, @first and @last for its body; its `else` runs in the caller's frame.
    for (const [key, value] of Object.entries(n)) {
      if (key === 'loc') continue;
      if (!walk(value, key === 'program' ? { ...w, inLoop: true } : w)) return false;
    }
    return true;
  }
  for (const [key, value] of Object.entries(n)) {
    if (key === 'loc') continue;
    if (!walk(value, w)) return false;
  }
  return true;
}
