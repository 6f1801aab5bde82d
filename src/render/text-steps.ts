import type Handlebars from 'handlebars';
import { append } from '../append.js';
import { TEXT_OPTIONS } from './templates.js';
import type { Chunk } from './text-assembly.js';
import { type BlockReads, FRAME_DATA, type Node } from './text-blocks.js';

/**
 * A text layout as steps (text, values, `if`/`unless`, kept `{{#each}}` blocks, reusable
 * partials) that `createPlainText` runs for each variant without Handlebars (see plain-text.ts).
 */

/** Where a path starts: the current context, `@root`, or the loop's data (`@index`, …). */
export interface Path {
  from: 'context' | 'root' | 'data';
  parts: string[];
}

/** A kept `{{#each}}` block: its body as steps (or, where it cannot be, as Handlebars), and its output kept per element. */
export interface Kept {
  steps: Step[] | undefined;
  body: Handlebars.TemplateDelegate;
  reads: BlockReads;
  kept: WeakMap<object, Map<unknown, unknown>>;
}

/** A step of the text layout, run by `createPlainText` for each variant. */
export type Step =
  | { kind: 'text'; chunk: Chunk }
  | { kind: 'value'; path: Path }
  | { kind: 'if'; path: Path; when: Step[]; otherwise: Step[] }
  | { kind: 'each'; path: Path; block: Kept; otherwise: Step[] }
  | {
      kind: 'partial';
      render: Handlebars.TemplateDelegate;
      reads: readonly string[];
      kept: WeakMap<object, Map<string, Chunk>>;
    }
  | {
      kind: 'group';
      steps: Step[];
      reads: GroupRead[];
      recent: { values: unknown[]; chunk: Chunk }[];
      /** Misses in a row: a group that reads a value of each variant's own (the audience) is not kept. */
      misses: number;
    };

/** A path a group of steps reads: as a value written out, or only for whether it is true. */
export interface GroupRead {
  path: Path;
  truth: boolean;
}

export type Frame = Record<string, unknown>;

/**
 * Runs of the layout's own steps between its kept blocks, as groups whose joined output is kept
 * for the values they read: most of them (intro, footer) read the same values in every variant.
 */
export function grouped(steps: readonly Step[]): Step[] {
  const out: Step[] = [];
  let run: Step[] = [];
  const end = () => {
    const reads = run.length > 1 ? groupReads(run) : undefined;
    if (reads) out.push({ kind: 'group', steps: run, reads, recent: [], misses: 0 });
    else append(out, run);
    run = [];
  };
  for (const step of steps) {
    if (step.kind === 'each' || step.kind === 'partial') {
      end();
      out.push(step);
    } else run.push(step);
  }
  end();
  return out;
}

/** The paths a run of steps reads, or undefined where it holds blocks or partials. */
function groupReads(steps: readonly Step[]): GroupRead[] | undefined {
  const reads: GroupRead[] = [];
  const visit = (list: readonly Step[]): boolean => {
    for (const step of list) {
      if (step.kind === 'text') continue;
      if (step.kind === 'value') reads.push({ path: step.path, truth: false });
      else if (step.kind === 'if') {
        reads.push({ path: step.path, truth: true });
        if (!visit(step.when) || !visit(step.otherwise)) return false;
      } else return false;
    }
    return true;
  };
  return visit(steps) ? reads : undefined;
}

/** A value as a compiled template reads it: own properties only; `@root` and `@data` paths stop at a falsy value. */
export function read(path: Path, context: unknown, data: Frame): unknown {
  const { parts } = path;
  if (path.from === 'context') {
    let value = context;
    for (const part of parts) {
      if (value == null) return value;
      value = own(value, part);
    }
    return value;
  }
  let value: unknown = path.from === 'root' ? data.root : data[parts[0]!];
  for (let i = path.from === 'root' ? 0 : 1; i < parts.length; i++) {
    if (!value) return value;
    value = own(value, parts[i]!);
  }
  return value;
}

function own(value: unknown, part: string): unknown {
  return Object.hasOwn(Object(value), part) ? (value as Record<string, unknown>)[part] : undefined;
}

/** Kept block output by element, then by the values of the loop data and `@root` paths it reads. */
const keptMemo = () => new WeakMap<object, Map<unknown, unknown>>();

/** A path a step may read, or undefined: no `this` or `../`, no helper name, data only `@root.…` and loop data. */
function pathOf(node: unknown, helpers: Record<string, unknown>): Path | undefined {
  const n = node as Node;
  if (n?.type !== 'PathExpression' || (n.depth as number) > 0) return undefined;
  const original = String(n.original);
  if (original.includes('../') || original.startsWith('this') || original.startsWith('.')) return undefined;
  const parts = [...((n.parts as string[]) ?? [])];
  if (!parts.length || parts.some((part) => !part)) return undefined;
  if (n.data) {
    if (parts[0] === 'root') return parts.length > 1 ? { from: 'root', parts: parts.slice(1) } : undefined;
    return (FRAME_DATA as readonly string[]).includes(parts[0]!) ? { from: 'data', parts } : undefined;
  }
  if (parts.length === 1 && Object.hasOwn(helpers, parts[0]!)) return undefined;
  return { from: 'context', parts };
}

interface Plan {
  blocks: ReadonlyMap<hbs.AST.BlockStatement, BlockReads>;
  env: typeof Handlebars;
  partials: ReadonlyMap<string, { render: Handlebars.TemplateDelegate; reads: readonly string[] }>;
  chunk: (text: string) => Chunk;
}

/** Statements as steps, or undefined where they hold anything else. */
export function stepsOf(body: readonly hbs.AST.Statement[], plan: Plan): Step[] | undefined {
  const steps: Step[] = [];
  for (const statement of body) {
    const n = statement as unknown as Node;
    if (n.type === 'CommentStatement') continue;
    if (n.type === 'ContentStatement') {
      const text = (statement as hbs.AST.ContentStatement).value;
      if (text) steps.push({ kind: 'text', chunk: plan.chunk(text) });
      continue;
    }
    if (n.type === 'MustacheStatement') {
      const m = statement as hbs.AST.MustacheStatement;
      const path = pathOf(m.path, plan.env.helpers);
      if (!path || m.params.length || m.hash) return undefined;
      steps.push({ kind: 'value', path });
      continue;
    }
    if (n.type === 'PartialStatement') {
      const p = statement as hbs.AST.PartialStatement;
      const name = p.name as unknown as Node;
      const partial = name.type === 'PathExpression' ? plan.partials.get(String(name.original)) : undefined;
      if (!partial || p.params.length || p.hash || p.indent) return undefined;
      steps.push({ kind: 'partial', ...partial, kept: new WeakMap() });
      continue;
    }
    if (n.type !== 'BlockStatement') return undefined;
    const block = statement as hbs.AST.BlockStatement;
    const helper = block.path as unknown as Node;
    if (helper.type !== 'PathExpression' || helper.data || block.params.length !== 1 || block.hash) return undefined;
    if (block.program?.blockParams?.length || block.inverse?.blockParams?.length) return undefined;
    const path = pathOf(block.params[0], {});
    if (!path) return undefined;
    const otherwise = block.inverse ? stepsOf(block.inverse.body, plan) : [];
    if (!otherwise) return undefined;
    const name = helper.original;
    if (name === 'if' || name === 'unless') {
      const inner = stepsOf(block.program.body, plan);
      if (!inner) return undefined;
      steps.push({
        kind: 'if',
        path,
        when: name === 'if' ? inner : otherwise,
        otherwise: name === 'if' ? otherwise : inner,
      });
      continue;
    }
    const reads = plan.blocks.get(block);
    if (name !== 'each' || !reads) return undefined;
    // The body was cleaned of standalone lines when the layout was parsed: not again on its own.
    const body = plan.env.compile(block.program, { ...TEXT_OPTIONS, ignoreStandalone: true });
    const kept: Kept = { steps: stepsOf(block.program.body, plan), body, reads, kept: keptMemo() };
    steps.push({ kind: 'each', path, block: kept, otherwise });
  }
  return steps;
}
