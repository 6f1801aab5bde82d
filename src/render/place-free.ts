import Handlebars from 'handlebars';
import type { TemplateFile } from './templates.js';

/**
 * `each` blocks whose output for an element does not depend on the element's place in the list:
 * their body reads no data but `@root` and an inner loop's own `@index`, `@first`, `@last` and
 * `@key` (`@_parent` in an inner loop is the block's frame, with its place), no block parameter
 * beside the element, calls no partial and no helper but `if`, `unless`, `with` and an inner
 * `each` (a helper or partial is handed the frame and could read the place). Read from the syntax
 * trees, by the block's location in its file; a location two files share counts only when the
 * blocks at it in both qualify, and any other block there disqualifies it (a section block over a
 * list, `{{#list}}…{{/list}}`, loops through `each` with its own location and body). A list slot of
 * such a block keeps an element's output once, not once per place (see splice.ts): a contents
 * entry met at a dozen places in a thousand role sets is rendered once.
 */

const PLACE = new Set(['index', 'first', 'last', 'key']);
const SAME_FRAME = new Set(['if', 'unless', 'with']);

interface Node {
  type: string;
  [key: string]: unknown;
}

type Location = { start: { line: number; column: number }; end: { line: number; column: number } };

export function locationKey(loc: unknown): string | undefined {
  const l = loc as Location | undefined;
  if (!l?.start || !l.end) return undefined;
  return `${l.start.line}:${l.start.column}:${l.end.line}:${l.end.column}`;
}

/** Location keys of the place-free `each` blocks of the given files. */
export function placeFreeBlocks(files: readonly TemplateFile[], helpers: ReadonlySet<string>): Set<string> {
  const verdicts = new Map<string, boolean>();
  for (const file of files) {
    let tree: unknown;
    try {
      tree = Handlebars.parse(file.source);
    } catch {
      continue;
    }
    visitBlocks(tree, (block) => {
      const key = locationKey(block.loc);
      if (!key) return;
      const free = (block.path as Node).original === 'each' && placeFree(block, helpers);
      verdicts.set(key, (verdicts.get(key) ?? true) && free);
    });
  }
  return new Set([...verdicts].filter(([, free]) => free).map(([key]) => key));
}

/** Every block: an `each` is judged; any other block at its location may reach `each` too. */
function visitBlocks(node: unknown, found: (block: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) visitBlocks(child, found);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  if (n.type === 'BlockStatement') found(n);
  for (const [key, value] of Object.entries(n)) if (key !== 'loc') visitBlocks(value, found);
}

function placeFree(block: Node, helpers: ReadonlySet<string>): boolean {
  const program = block.program as Node | undefined;
  if (!program) return false;
  if (((program.blockParams as string[] | undefined)?.length ?? 0) > 1) return false;
  return readsNoPlace(program.body, 0, helpers);
}

/** `level`: how many inner `each` loops stand between the node and the block's own loop. */
function readsNoPlace(node: unknown, level: number, helpers: ReadonlySet<string>): boolean {
  const reads = (child: unknown, at = level) => readsNoPlace(child, at, helpers);
  if (Array.isArray(node)) return node.every((child) => reads(child));
  if (typeof node !== 'object' || node === null) return true;
  const n = node as Node;
  switch (n.type) {
    case 'PartialStatement':
    case 'PartialBlockStatement':
    case 'DecoratorBlock':
    case 'Decorator':
      return false;
    case 'PathExpression': {
      if (!n.data) return true;
      const head = (n.parts as string[] | undefined)?.[0];
      if (head === 'root') return true;
      // `@index` in an inner loop is that loop's; `@../index` there may be ours. Any other data
      // may be a frame: in an inner loop `@_parent` is ours, with its place in it.
      return head !== undefined && PLACE.has(head) && level > 0 && (n.depth as number) === 0;
    }
    case 'MustacheStatement':
    case 'SubExpression': {
      const name = String((n.path as Node).original);
      const called = (n.params as unknown[]).length > 0 || n.hash !== undefined || helpers.has(name);
      if (called && !SAME_FRAME.has(name) && name !== 'lookup') return false;
      return reads(n.path) && reads(n.params) && reads(n.hash);
    }
    case 'BlockStatement': {
      const name = String((n.path as Node).original);
      const inner = name === 'each';
      if (!inner && !SAME_FRAME.has(name)) return false;
      if (inner && ((n.program as Node | undefined)?.blockParams as string[] | undefined)?.length) return false;
      return (
        reads(n.params) &&
        reads(n.hash) &&
        reads((n.program as Node | undefined)?.body, inner ? level + 1 : level) &&
        reads((n.inverse as Node | undefined)?.body)
      );
    }
    default:
      for (const [key, value] of Object.entries(n)) if (key !== 'loc' && !reads(value)) return false;
      return true;
  }
}
