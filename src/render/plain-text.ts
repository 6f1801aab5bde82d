import type Handlebars from 'handlebars';
import type { Parts } from './_personal.js';
import { memoPartial, reusablePartials } from './partial-memo.js';
import { createEnv, TEXT_OPTIONS, type TemplateSet } from './templates.js';
import type { Chunk } from './text-assembly.js';
import { keptEachBlocks } from './text-blocks.js';
import { createJoiner } from './text-joiner.js';
import { type Frame, grouped, type Kept, read, type Step, stepsOf } from './text-steps.js';
import { normaliseText, type TextTemplate, textShape, textSplitter } from './text-template.js';

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

export interface PlainText {
  /** A variant's plain-text template. */
  template(view: { language: string }): TextTemplate;
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
