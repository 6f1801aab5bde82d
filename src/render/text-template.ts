import Handlebars from 'handlebars';
import { isSignedValueShape } from '../analytics/token.js';
import { append } from '../append.js';
import { detach } from '../detach.js';
import { createCache } from './_cache.js';
import { asIs, type FieldValues, joinParts, type Parts, VARIANT_FIELDS } from './_personal.js';
import { memoPartial, reusablePartials } from './splice.js';
import { createEnv, TEXT_OPTIONS, type TemplateSet } from './templates.js';
import { wrapLine } from './wrap.js';

/**
 * The plain-text alternative of each variant, as a template split at the reader fields.
 *
 * Variants of one render share section and card objects (see `SharedViews` in view.ts). An
 * `{{#each}}` block of the text layout whose body reads only its own element, the loop's data
 * (`@first`, `@last`, `@index`, `@key`), `@root` values and partials that qualify too gives the
 * same text for the same element, data and values: that text is kept as a piece, cleaned and split
 * once. A variant is then the layout's own few lines around its pieces. Whether a block qualifies
 * is read from the syntax tree, never assumed; the first variant of each language is also rendered
 * the ordinary way and compared, and a template set that differs is rendered the ordinary way from
 * then on.
 */

/** Runs of lines without reader fields stay as one wrapped string; lines with fields keep their parts. */
export type TextTemplate = (string | Parts)[];

/** Text templates are written for readability; trim trailing spaces and runs of blank lines. */
export function normaliseText(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim()}\n`;
}

/**
 * Wraps each line and splits it at the reader fields. The text is taken in paragraphs (cut at
 * empty lines), which recur across variants (every card's text): each distinct paragraph is
 * worked out once, its fixed lines joined into one run that every variant holding it shares.
 */
export function textSplitter(splitParts: (line: string) => Parts): (text: string) => TextTemplate {
  const lines = createCache<string, string | Parts>(2000);
  const blocks = createCache<string, TextTemplate>(2000);
  const lastBlocks = createCache<string, TextTemplate>(100);
  const line = (text: string): string | Parts => {
    let piece = lines.get(text);
    if (piece === undefined) {
      const own = detach(text);
      const parts = splitParts(own);
      piece = parts.length === 1 ? wrapLine(own) : parts;
      lines.set(own, piece);
    }
    return piece;
  };
  // A block followed by another ends with the empty line between them: pieces join with line breaks.
  const block = (text: string, last: boolean): TextTemplate => {
    const cache = last ? lastBlocks : blocks;
    let found = cache.get(text);
    if (found === undefined) {
      found = [];
      let fixed: string[] = [];
      for (const each of text.split('\n')) {
        const piece = line(each);
        if (typeof piece === 'string') {
          fixed.push(piece);
          continue;
        }
        if (fixed.length) found.push(fixed.join('\n'));
        fixed = [];
        found.push(piece);
      }
      if (!last) fixed.push('');
      if (fixed.length) found.push(fixed.join('\n'));
      cache.set(detach(text), found);
    }
    return found;
  };
  return (text) => {
    const template: TextTemplate = [];
    const paragraphs = text.split('\n\n');
    for (let i = 0; i < paragraphs.length; i++) {
      for (const piece of block(paragraphs[i]!, i === paragraphs.length - 1)) template.push(piece);
    }
    return template;
  };
}

/** UTF-8 size of a template's fixed runs, when it was assembled from pieces that knew theirs. */
const fixedSizes = new WeakMap<TextTemplate, number>();

/**
 * The UTF-8 size of `fillText(template, values)` without writing it out. The fixed runs are the
 * text splitter's own strings, shared by every variant that holds them: each is measured once.
 */
export function textSizer(): (template: TextTemplate, values: FieldValues) => number {
  const sizes = createCache<string, number>(2000);
  const fixed = (piece: string) => {
    let bytes = sizes.get(piece);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(piece);
      sizes.set(piece, bytes);
    }
    return bytes;
  };
  // Every variant is measured with the same sample reader: its filled lines recur.
  const lines = createCache<string, number>(2000);
  const filled = (parts: Parts, values: FieldValues) => {
    const line = joinParts(parts, sizingValues(values), asIs);
    let bytes = lines.get(line);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(wrapLine(line));
      lines.set(detach(line), bytes);
    }
    return bytes;
  };
  return (template, values) => {
    let bytes = template.length > 0 ? template.length - 1 : 0;
    const known = fixedSizes.get(template);
    if (known !== undefined) {
      bytes += known;
      for (const piece of template) if (typeof piece !== 'string') bytes += filled(piece, values);
      return bytes;
    }
    for (const piece of template) bytes += typeof piece === 'string' ? fixed(piece) : filled(piece, values);
    return bytes;
  };
}

/**
 * The values a line is measured with: a role set's signed value (VARIANT_FIELDS, the `?v=` of
 * tracked links) is one unbreakable run of URL-safe ASCII, so a run of as many `x` wraps and weighs
 * the same, and lines of role sets whose values are as long are measured once.
 */
const sizing = new WeakMap<FieldValues, FieldValues>();
function sizingValues(values: FieldValues): FieldValues {
  const found = sizing.get(values);
  if (found) return found;
  let measured = values;
  for (const name of VARIANT_FIELDS as ReadonlySet<keyof FieldValues>)
    if (isSignedValueShape(values[name])) measured = { ...measured, [name]: 'x'.repeat(values[name].length) };
  if (measured !== values) sizing.set(values, measured);
  return measured;
}

/**
 * Only once filled is the length of a line holding a reader's link known, so only those lines are
 * wrapped per reader; everything else was wrapped once per variant. `fillLine` may wrap a line
 * more cheaply (see createTextLineFiller), with the same result.
 */
export function fillText(
  template: TextTemplate,
  values: FieldValues,
  fillLine: (parts: Parts, values: FieldValues) => string = (parts, filled) => wrapLine(joinParts(parts, filled, asIs)),
): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const piece = template[i]!;
    if (i > 0) out += '\n';
    out += typeof piece === 'string' ? piece : fillLine(piece, values);
  }
  return out;
}

/** One template, its lines and fields as `fillText` joins them, to compare two templates by. */
export function textShape(template: TextTemplate): string {
  return template
    .map((piece) => (typeof piece === 'string' ? piece : `\u0001${piece.join('\u0002')}\u0001`))
    .join('\n');
}

/** Data variables a kept block may read: the output is kept per combination of their values. */
const FRAME_DATA = ['first', 'last', 'index', 'key'] as const;
/** `@root` values that are the same for every variant of one language. */
const SHARED_ROOT = new Set(['colours', 'labels']);

interface Node {
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

/** A line after its trailing blanks are cut: empty, blank (white space only) or text. */
const BLANK = /^\s*$/;
const TRAILING = /[ \t]+$/gm;

/**
 * A run of text with line breaks, its own whole lines (between its first and last line break)
 * cleaned as `normaliseText` cleans them and split once, so a variant only joins them.
 */
interface Lines {
  /** The text before the first line break: ends a line the variant started. */
  first: string;
  /** The text after the last line break: starts a line the variant goes on with. */
  last: string;
  /** Whole lines before the first text line: empty or blank, cleaned. */
  lead: string[];
  /** From the first text line to the last, runs of empty lines already cut to two. */
  core: TextTemplate | undefined;
  /** UTF-8 size of the core's fixed runs. */
  coreBytes: number;
  /** The first and last text lines need no trimming should they start or end the text. */
  startsClean: boolean;
  endsClean: boolean;
  /** Whole lines after the last text line: empty or blank, cleaned. */
  tail: string[];
}

/** A text line, wrapped (when fixed) or split at its fields, and the UTF-8 size of a fixed one. */
interface Line {
  item: string | Parts;
  bytes: number;
}

/** A line as the layout left it: cleaned, whether it is blank, and its template line. */
interface RawLine {
  clean: string;
  blank: boolean;
  /** The template line of `clean`, once looked up. */
  line?: Line;
}

/** Text a variant joins: a string without line breaks, or lines worked out once. */
type Chunk = string | Lines;

export interface PlainText {
  /** A variant's plain-text template. */
  template(view: { language: string }): TextTemplate;
}

/** Where a path starts: the current context, `@root`, or the loop's data (`@index`, …). */
interface Path {
  from: 'context' | 'root' | 'data';
  parts: string[];
}

/** A kept `{{#each}}` block: its body as steps (or, where it cannot be, as Handlebars), and its output kept per element. */
interface Kept {
  steps: Step[] | undefined;
  body: Handlebars.TemplateDelegate;
  reads: BlockReads;
  kept: WeakMap<object, Map<unknown, unknown>>;
}

/** A step of the text layout, run by `createPlainText` for each variant. */
type Step =
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
interface GroupRead {
  path: Path;
  truth: boolean;
}

/** Joined group output kept for its last few distinct sets of values (the footer reads the same ones every variant). */
const RECENT = 4;
/** Misses in a row after which a group's output is no longer kept, only written. */
const GIVE_UP = 16;

/** A value the steps cannot write as Handlebars would: the variant is rendered the ordinary way. */
const UNSURE = Symbol('unsure');
const LEAF = Symbol('leaf');
/** Distinct values of one read a kept element keeps output for. */
const FAN_OUT = 32;

type Frame = Record<string, unknown>;

/**
 * The plain text of each variant: from kept pieces when `pieces` is on, else rendered whole and
 * split as before. The layout is run here as steps when it holds only text, values, `if`/`unless`,
 * kept `{{#each}}` blocks and reusable partials; any other layout is rendered the ordinary way.
 * A kept block's output for an element is its own lines, joined once from the pieces inside it
 * (cards, constant text), so a new combination of known cards costs no template run.
 */
export function createPlainText(
  templates: TemplateSet,
  splitParts: (line: string) => Parts,
  options: { pieces: boolean },
): PlainText {
  const splitText = textSplitter(splitParts);
  const ordinary = (view: unknown) => splitText(normaliseText(templates.renderText(view)));
  if (!options.pieces) return { template: ordinary };
  const reusable = reusablePartials(templates.textPartials);
  const env = createEnv(templates.textPartials, false, {
    options: TEXT_OPTIONS,
    partial: (name, compiled) => {
      const reads = reusable.get(name);
      return reads ? (memoPartial(compiled, reads) as unknown as Handlebars.Template) : undefined;
    },
  });
  const joiner = createJoiner(splitParts);
  let steps: Step[] | undefined;
  try {
    const kept = keptEachBlocks(templates.text.source, reusable);
    const partials = new Map<string, { render: Handlebars.TemplateDelegate; reads: readonly string[] }>();
    for (const [name, reads] of reusable) {
      const file = templates.textPartials.get(name);
      if (file) partials.set(name, { render: env.compile(file.source, TEXT_OPTIONS), reads });
    }
    steps = stepsOf(kept.ast.body, { blocks: kept.blocks, env, partials, chunk: joiner.chunk });
  } catch {
    steps = undefined;
  }
  if (!steps) return { template: ordinary };
  const layout = grouped(steps);
  const { chunk } = joiner;

  /** Writes the chunks of `list` run on `context` to `out`; false where it cannot. */
  const go = (list: readonly Step[], context: unknown, frame: Frame, out: Chunk[]): boolean => {
    for (const step of list) {
      if (step.kind === 'text') {
        out.push(step.chunk);
        continue;
      }
      if (step.kind === 'group') {
        if (step.misses >= GIVE_UP) {
          if (!go(step.steps, context, frame, out)) return false;
          continue;
        }
        const found = groupChunk(step, context, frame);
        if (found === UNSURE) return false;
        if (found) out.push(found);
        continue;
      }
      if (step.kind === 'partial') {
        const found = partialChunk(step, context, frame);
        if (found === UNSURE) return false;
        if (found) out.push(found);
        continue;
      }
      const value = read(step.path, context, frame);
      if (typeof value === 'function' || typeof value === 'symbol') return false;
      if (step.kind === 'value') {
        if (value == null) continue;
        if (typeof value === 'object') return false;
        const text = chunk(String(value));
        if (text) out.push(text);
        continue;
      }
      if (step.kind === 'if') {
        const truthy = Boolean(value) && !(Array.isArray(value) && value.length === 0);
        if (!go(truthy ? step.when : step.otherwise, context, frame, out)) return false;
        continue;
      }
      if (!value || typeof value !== 'object' || (Array.isArray(value) && value.length === 0)) {
        if (!go(step.otherwise, context, frame, out)) return false;
        continue;
      }
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) continue;
        const data: Frame = { root: frame.root, first: i === 0, last: i === value.length - 1, index: i, key: i };
        const found = keptChunk(step.block, value[i], data);
        if (found === UNSURE) return false;
        if (found) out.push(found);
      }
    }
    return true;
  };

  /** One element's output of a kept block, joined from its steps or rendered by Handlebars. */
  const runBlock = (block: Kept, element: unknown, data: Frame): Chunk | typeof UNSURE => {
    if (block.steps) {
      const inner: Chunk[] = [];
      return go(block.steps, element, data, inner) ? joiner.compose(inner) : UNSURE;
    }
    try {
      return chunk(block.body(element, { data }));
    } catch {
      return UNSURE;
    }
  };
  const keptChunk = (block: Kept, element: unknown, data: Frame): Chunk | typeof UNSURE => {
    if (typeof element !== 'object' || element === null) return runBlock(block, element, data);
    let node = block.kept.get(element);
    if (!node) {
      node = new Map();
      block.kept.set(element, node);
    }
    // False once an element has met too many distinct values (a block reading `@root.audience`
    // sees one per variant): its output is then written each time, so memory does not grow.
    const step = (value: unknown): boolean => {
      let next = node!.get(value) as Map<unknown, unknown> | undefined;
      if (!next) {
        if (node!.size >= FAN_OUT) return false;
        next = new Map();
        node!.set(value, next);
      }
      node = next;
      return true;
    };
    for (const name of block.reads.data) if (!step(data[name])) return runBlock(block, element, data);
    for (const parts of block.reads.root) {
      const value = read({ from: 'root', parts }, element, data);
      if ((typeof value === 'object' && value !== null) || typeof value === 'function' || !step(value)) {
        return runBlock(block, element, data);
      }
    }
    let found = node.get(LEAF) as Chunk | undefined;
    if (found === undefined) {
      const made = runBlock(block, element, data);
      if (made === UNSURE) return UNSURE;
      found = made;
      node.set(LEAF, found);
    }
    return found;
  };
  const partialChunk = (
    step: Extract<Step, { kind: 'partial' }>,
    context: unknown,
    data: Frame,
  ): Chunk | typeof UNSURE => {
    const render = () => {
      try {
        return chunk(step.render(context, { data }));
      } catch {
        return UNSURE;
      }
    };
    if (typeof context !== 'object' || context === null || context === data.root) return render();
    let key = '';
    for (const name of step.reads) key += `${String(data[name])}\u0000`;
    let byData = step.kept.get(context);
    if (!byData) {
      byData = new Map();
      step.kept.set(context, byData);
    }
    let found = byData.get(key);
    if (found === undefined) {
      const made = render();
      if (made === UNSURE) return UNSURE;
      found = made;
      byData.set(key, found);
    }
    return found;
  };

  const groupChunk = (
    step: Extract<Step, { kind: 'group' }>,
    context: unknown,
    frame: Frame,
  ): Chunk | typeof UNSURE => {
    const direct = () => {
      const inner: Chunk[] = [];
      return go(step.steps, context, frame, inner) ? joiner.compose(inner) : UNSURE;
    };
    const values: unknown[] = [];
    for (const { path, truth } of step.reads) {
      const value = read(path, context, frame);
      // Read in a branch that may not be taken: only a run of the steps tells.
      if (typeof value === 'function' || typeof value === 'symbol') return direct();
      if (truth) values.push(Boolean(value) && !(Array.isArray(value) && value.length === 0));
      else if (typeof value === 'object' && value !== null) return direct();
      else values.push(value);
    }
    for (const entry of step.recent) {
      let same = true;
      for (let i = 0; i < values.length && same; i++) same = entry.values[i] === values[i];
      if (same) {
        step.misses = 0;
        return entry.chunk;
      }
    }
    step.misses++;
    const chunk = direct();
    if (chunk === UNSURE) return UNSURE;
    step.recent.unshift({ values, chunk });
    if (step.recent.length > RECENT) step.recent.pop();
    return chunk;
  };

  const fast = (view: unknown): TextTemplate | undefined => {
    const out: Chunk[] = [];
    return go(layout, view, { root: view }, out) ? joiner.assemble(out) : undefined;
  };

  // undefined until the first variant of the language was compared with the ordinary render.
  const checked = new Map<string, boolean>();
  return {
    template(view) {
      const ok = checked.get(view.language);
      if (ok === false) return ordinary(view);
      const template = fast(view);
      if (ok === undefined) {
        const reference = ordinary(view);
        checked.set(view.language, template !== undefined && textShape(template) === textShape(reference));
        return reference;
      }
      return template ?? ordinary(view);
    },
  };
}

/**
 * Runs of the layout's own steps between its kept blocks, as groups whose joined output is kept
 * for the values they read: most of them (intro, footer) read the same values in every variant.
 */
function grouped(steps: readonly Step[]): Step[] {
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
function read(path: Path, context: unknown, data: Frame): unknown {
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

/**
 * Joins chunks into a template, as `textSplitter(normaliseText(…))` splits their concatenation,
 * or into the lines of a larger chunk. Lines are looked up in caches kept across variants.
 */
function createJoiner(splitParts: (line: string) => Parts) {
  const lineCache = createCache<string, Line>(2000);
  const line = (text: string): Line => {
    let found = lineCache.get(text);
    if (found === undefined) {
      const own = detach(text);
      const parts = splitParts(own);
      const item = parts.length === 1 ? wrapLine(own) : parts;
      found = { item, bytes: typeof item === 'string' ? Buffer.byteLength(item) : 0 };
      lineCache.set(own, found);
    }
    return found;
  };
  const rawCache = createCache<string, RawLine>(2000);
  const raw = (text: string): RawLine => {
    let found = rawCache.get(text);
    if (found === undefined) {
      const clean = detach(text.replace(TRAILING, ''));
      found = { clean, blank: BLANK.test(clean) };
      rawCache.set(detach(text), found);
    }
    return found;
  };
  const chunks = createCache<string, Lines>(500);
  return {
    /** Text as a chunk: itself without line breaks, else its lines (kept by text). */
    chunk(text: string): Chunk {
      if (text.indexOf('\n') < 0) return text;
      let found = chunks.get(text);
      if (!found) {
        const own = detach(text);
        found = runLines(own, line);
        chunks.set(own, found);
      }
      return found;
    },
    compose: (list: readonly Chunk[]) => compose(list, line, raw),
    assemble: (list: readonly Chunk[]) => assemble(list, line, raw),
  };
}

/**
 * The template joined from `texts`, each worked out on its own as a kept piece is, and `groups`
 * of neighbouring texts joined first as a kept block's output is (for tests of the joins):
 * undefined where the whole text must be cleaned instead.
 */
export function joinTexts(
  texts: readonly string[],
  splitParts: (line: string) => Parts,
  groups: readonly number[] = [],
): TextTemplate | undefined {
  const joiner = createJoiner(splitParts);
  const chunks = texts.map(joiner.chunk);
  const grouped: Chunk[] = [];
  let at = 0;
  for (const size of groups) {
    grouped.push(joiner.compose(chunks.slice(at, at + size)));
    at += size;
  }
  append(grouped, chunks.slice(at));
  return joiner.assemble(grouped);
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
function stepsOf(body: readonly hbs.AST.Statement[], plan: Plan): Step[] | undefined {
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

/** A run's whole lines cleaned as `normaliseText` cleans them. */
function runLines(text: string, line: (text: string) => Line): Lines {
  const start = text.indexOf('\n');
  const end = text.lastIndexOf('\n');
  const out: Lines = {
    first: text.slice(0, start),
    last: text.slice(end + 1),
    lead: [],
    core: undefined,
    coreBytes: 0,
    startsClean: true,
    endsClean: true,
    tail: [],
  };
  if (start === end) return out;
  const lines = text
    .slice(start + 1, end)
    .split('\n')
    .map((each) => each.replace(TRAILING, ''));
  let from = 0;
  while (from < lines.length && BLANK.test(lines[from]!)) from++;
  let to = lines.length - 1;
  while (to >= from && BLANK.test(lines[to]!)) to--;
  if (from > to) {
    out.lead = lines;
    return out;
  }
  out.lead = lines.slice(0, from);
  out.tail = lines.slice(to + 1);
  out.startsClean = lines[from] === lines[from]!.trimStart();
  out.endsClean = lines[to] === lines[to]!.trimEnd();
  const core = new Assembly(line);
  // From and to are text lines: no empty line is held back at either end.
  core.pending(lines.slice(from, to + 1));
  out.core = core.items;
  out.coreBytes = core.bytes;
  return out;
}

/** A template being written line by line; neighbouring fixed lines join into one run. */
class Assembly {
  items: TextTemplate = [];
  bytes = 0;
  private fixed = false;
  /**
   * `join` off: every line and piece stays an item of its own, so a variant's template holds the
   * strings its pieces share with other variants rather than joined copies of them.
   */
  constructor(
    private readonly lines: (text: string) => Line,
    private readonly join = true,
  ) {}

  line(text: string): void {
    const { item, bytes } = this.lines(text);
    this.push(item, bytes);
  }

  /** A run of empty lines between two others, cut to two as `normaliseText` does. */
  empties(count: number): void {
    for (let i = 0; i < Math.min(count, 2); i++) this.push('', 0);
  }

  /** A text line met outside kept pieces, looked up once however often it is written. */
  raw(found: RawLine): void {
    found.line ??= this.lines(found.clean);
    this.push(found.line.item, found.line.bytes);
  }

  /** Blank lines held back until more text followed: runs of empty ones cut, blank ones kept. */
  pending(lines: readonly string[]): void {
    let empty = 0;
    for (const each of lines) {
      if (!each) {
        empty++;
        continue;
      }
      this.empties(empty);
      empty = 0;
      this.line(each);
    }
    this.empties(empty);
  }

  push(item: string | Parts, bytes: number): void {
    if (typeof item !== 'string') {
      this.items.push(item);
      this.fixed = false;
      return;
    }
    if (this.fixed && this.join) {
      const at = this.items.length - 1;
      this.items[at] = `${this.items[at] as string}\n${item}`;
      this.bytes += bytes + 1;
    } else {
      this.items.push(item);
      this.bytes += bytes;
      this.fixed = true;
    }
  }

  /** Another template's items, with the UTF-8 size of their fixed runs. */
  append(items: TextTemplate, bytes: number): void {
    if (!items.length) return;
    const first = items[0]!;
    if (typeof first === 'string' && this.fixed && this.join) {
      const at = this.items.length - 1;
      this.items[at] = `${this.items[at] as string}\n${first}`;
      this.bytes += 1;
    } else {
      this.items.push(first);
    }
    for (let i = 1; i < items.length; i++) this.items.push(items[i]!);
    this.bytes += bytes;
    this.fixed = typeof items[items.length - 1] === 'string';
  }
}

/**
 * The template `textSplitter(normaliseText(text))` gives for the text that the inline strings and
 * runs spell, worked out from the runs' cleaned lines. Undefined where a run would start or end the
 * text and need trimming, or the text is blank: the caller then renders it the ordinary way.
 */
function assemble(
  chunks: readonly (string | Lines)[],
  line: (text: string) => Line,
  raw: (text: string) => RawLine,
): TextTemplate | undefined {
  const out = new Assembly(line, false);
  let started = false;
  // The last text line outside runs, held back as the text's end is trimmed.
  let held: RawLine | string | undefined;
  // Whether the last text line so far ends a run's core, and that core ends clean.
  let lastInCore = false;
  let coreEndsClean = true;
  // Empty and blank lines since the last text line: written only when more text follows.
  let pending: string[] = [];

  const flush = () => {
    if (typeof held === 'string') out.line(held);
    else if (held !== undefined) out.raw(held);
    held = undefined;
    out.pending(pending);
    pending = [];
  };
  const whole = (text: string) => {
    const found = raw(text);
    if (!started) {
      if (found.blank) return;
      started = true;
      held = found.clean.trimStart();
    } else if (found.blank) {
      pending.push(found.clean);
      return;
    } else {
      flush();
      held = found;
    }
    lastInCore = false;
  };

  let current = '';
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      current += chunk;
      continue;
    }
    whole(current + chunk.first);
    if (chunk.core === undefined) {
      if (started) for (const each of chunk.lead) pending.push(each);
    } else {
      if (!started) {
        if (!chunk.startsClean) return undefined;
        started = true;
      } else {
        for (const each of chunk.lead) pending.push(each);
        flush();
      }
      out.append(chunk.core, chunk.coreBytes);
      lastInCore = true;
      coreEndsClean = chunk.endsClean;
      pending = chunk.tail.slice();
    }
    current = chunk.last;
  }
  whole(current);
  if (!started) return undefined;
  if (lastInCore) {
    if (!coreEndsClean) return undefined;
  } else {
    out.line((typeof held === 'string' ? held : held!.clean).trimEnd());
  }
  out.line('');
  // A copy of its exact length: grown by push, the list kept room for more, and a role set holds
  // it for the whole send.
  const items = out.items.slice();
  fixedSizes.set(items, out.bytes);
  return items;
}

/**
 * The lines of the text that `chunks` spell, for a larger join: its first and last partial lines
 * left as they are, its whole lines cleaned and split; a string where it has no line break.
 */
function compose(
  chunks: readonly (string | Lines)[],
  line: (text: string) => Line,
  raw: (text: string) => RawLine,
): Lines | string {
  const out = new Assembly(line);
  let first: string | undefined;
  const lead: string[] = [];
  let started = false;
  let startsClean = true;
  let endsClean = true;
  // The last text line outside chunks' cores, not yet written.
  let held: RawLine | undefined;
  let pending: string[] = [];

  const flush = () => {
    if (held) out.raw(held);
    held = undefined;
    out.pending(pending);
    pending = [];
  };
  const whole = (text: string) => {
    if (first === undefined) {
      first = text;
      return;
    }
    const found = raw(text);
    if (found.blank) {
      (started ? pending : lead).push(found.clean);
      return;
    }
    if (started) flush();
    else {
      started = true;
      startsClean = found.clean === found.clean.trimStart();
    }
    held = found;
  };

  let current = '';
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      current += chunk;
      continue;
    }
    whole(current + chunk.first);
    if (chunk.core === undefined) {
      for (const each of chunk.lead) (started ? pending : lead).push(each);
    } else {
      if (started) {
        for (const each of chunk.lead) pending.push(each);
        flush();
      } else {
        for (const each of chunk.lead) lead.push(each);
        started = true;
        startsClean = chunk.startsClean;
      }
      out.append(chunk.core, chunk.coreBytes);
      endsClean = chunk.endsClean;
      pending = chunk.tail.slice();
    }
    current = chunk.last;
  }
  if (first === undefined) return current;
  if (held) {
    endsClean = held.clean === held.clean.trimEnd();
    const tail = pending;
    pending = [];
    flush();
    pending = tail;
  }
  return {
    first,
    last: current,
    lead,
    core: started ? out.items : undefined,
    coreBytes: out.bytes,
    startsClean,
    endsClean,
    tail: pending,
  };
}
