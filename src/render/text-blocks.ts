import Handlebars from 'handlebars';

/**
 * Which `{{#each}}` blocks of a text layout give the same text for the same element, read from
 * the layout's syntax tree (see plain-text.ts).
 */

/** Data variables a kept block may read: the output is kept per combination of their values. */
export const FRAME_DATA = ['first', 'last', 'index', 'key'] as const;
/** `@root` values that are the same for every variant of one language. */
const SHARED_ROOT = new Set(['colours', 'labels']);

export interface Node {
  type?: string;
  [key: string]: unknown;
}

/** What a kept block's body reads besides its own element. */
export interface BlockReads {
  data: string[];
  /** `@root` paths (without `root`) whose values are part of the key. */
  root: string[][];
}

/**
 * The `{{#each}}` blocks of a text layout whose body gives the same text for the same element,
 * loop data and `@root` values: no `../`, no block parameters, no bare `@root`, no decorators or
 * partial blocks, only partials that are reusable themselves (see `reusablePartials`). A layout
 * with inline partials keeps none, as they may stand in for a partial file.
 */
export function keptEachBlocks(
  layout: string,
  partials: ReadonlyMap<string, readonly string[]>,
): { ast: hbs.AST.Program; blocks: Map<hbs.AST.BlockStatement, BlockReads> } {
  const ast = Handlebars.parse(layout);
  const blocks = new Map<hbs.AST.BlockStatement, BlockReads>();
  if (hasDecorators(ast)) return { ast, blocks };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (n.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const reads = eachReads(block, partials);
      if (reads) blocks.set(block, reads);
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value);
  };
  visit(ast);
  return { ast, blocks };
}

function hasDecorators(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasDecorators);
  if (typeof node !== 'object' || node === null) return false;
  const n = node as Node;
  if (n.type === 'DecoratorBlock' || n.type === 'Decorator') return true;
  return Object.entries(n).some(([key, value]) => key !== 'loc' && hasDecorators(value));
}

function eachReads(block: hbs.AST.BlockStatement, partials: ReadonlyMap<string, readonly string[]>): BlockReads | null {
  const path = block.path as unknown as Node;
  if (path.type !== 'PathExpression' || path.data || path.original !== 'each') return null;
  if (block.params.length !== 1 || block.hash || block.program.blockParams?.length) return null;
  const data = new Set<string>();
  const root = new Map<string, string[]>();
  const ok = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.every(ok);
    if (typeof node !== 'object' || node === null) return true;
    const n = node as Node;
    if (n.type === 'PartialBlockStatement' || n.type === 'DecoratorBlock' || n.type === 'Decorator') return false;
    if ((n.type === 'Program' && (n.blockParams as unknown[] | undefined)?.length) || n.type === 'BlockParams') {
      return false;
    }
    if (n.type === 'PathExpression') {
      const parts = (n.parts as string[]) ?? [];
      if ((n.depth as number) > 0 || String(n.original).includes('../')) return false;
      if (!n.data) return true;
      const head = parts[0] ?? '';
      if (head === 'root') {
        if (parts.length < 2) return false;
        if (!SHARED_ROOT.has(parts[1]!)) root.set(parts.slice(1).join('.'), parts.slice(1));
        return true;
      }
      if (!(FRAME_DATA as readonly string[]).includes(head)) return false;
      data.add(head);
      return true;
    }
    if (n.type === 'PartialStatement') {
      const name = n.name as Node;
      if (name.type !== 'PathExpression') return false;
      const reads = partials.get(String(name.original));
      if (!reads) return false;
      for (const r of reads) data.add(r);
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'loc') continue;
      if (!ok(value)) return false;
    }
    return true;
  };
  if (!ok(block.program)) return null;
  return { data: [...data].sort(), root: [...root.values()] };
}
