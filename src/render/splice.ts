import Handlebars from 'handlebars';
import { type Cache, createCache } from './_cache.js';
import {
  memoByValues,
  memoPartial,
  partialReads,
  type Render,
  reusablePartials,
  valueReadingPartials,
} from './partial-memo.js';
import type { SplitSource } from './pieces.js';
import { locationKey, placeFreeBlocks } from './place-free.js';
import { createSectionStores, type SectionStore } from './section-keep.js';
import { createEnv, HTML_OPTIONS, runTemplate, type TemplateSet } from './templates.js';

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
  /**
   * The MJML source of a stand-in view (see set-frames.ts): undefined when the templates read a
   * stand-in in a way a later fill could not reproduce.
   */
  standIn(view: object, standIns: StandIns): StandInSource | undefined;
  /** Section sources the section partial wrote for role-set classes (one kept for a view is not counted again). */
  readonly written: { sections: number };
}

/** What the stand-in view is made of, as the render meets it. */
export interface StandIns {
  /** A list whose elements are stand-ins: its `each` blocks are filled per variant. */
  isList(value: unknown): boolean;
  /** The position of a stand-in element of the `sections` list, or undefined. */
  sectionAt(value: unknown): number | undefined;
  /** How often a stand-in element was read so far; a block that reads its elements is filled per variant. */
  elementReads(): number;
  /** True once a template used a stand-in in a way a fill cannot reproduce. */
  tainted(): boolean;
  /** The token standing in the skeleton for the output of list block `k`. */
  slotToken(k: number): string;
}

/** A stand-in view's source: sections and `each` blocks over stand-in lists are filled per variant. */
export interface StandInSource {
  skeleton: string;
  marker(k: number): string;
  /** The source of the variant's sections (real section views, in order) at the skeleton's markers. */
  sections(real: readonly unknown[]): string[] | undefined;
  /** The skeleton with those sections written in. */
  whole(sections: readonly string[]): string;
  /** The `each` blocks over stand-in lists, by the token standing in the skeleton for their output. */
  slots: ListSlot[];
}

export interface ListSlot {
  token: string;
  /** The stand-in list the block iterates. */
  list: unknown;
  /**
   * The block's output for the variant's real list, element by element (the same string for the
   * same element in the same place), or undefined when the templates read a stand-in.
   */
  fill(real: readonly unknown[]): string[] | undefined;
}

export function createSplicedTemplates(templates: TemplateSet, nonce: string): SplicedTemplates {
  const reusableHtml = reusablePartials(templates.htmlPartials);
  const sectionStores = createSectionStores(partialReads(templates.htmlPartials, SECTION_PARTIAL));
  const written = { sections: 0 };
  const marker = (k: number) => `rcS${nonce}x${k}x`;
  const indented = createIndenter();

  // Sections met while rendering one skeleton, in order.
  let sections: string[] = [];
  let indents: string[] = [];
  // While a stand-in view renders: what its sections and list blocks become.
  let standIn: StandInRender | undefined;
  // While a list block is filled for a variant: a section partial there cannot be placed.
  let filling = false;
  let sectionRender: Render | undefined;
  const byValues = valueReadingPartials(templates.htmlPartials);
  const htmlEnv = createEnv(templates.htmlPartials, false, {
    options: HTML_OPTIONS,
    partial: (name, compiled) => {
      const paths = byValues.get(name);
      if (paths && name !== SECTION_PARTIAL) return memoByValues(compiled, paths) as unknown as Handlebars.Template;
      const data = reusableHtml.get(name);
      // A card reads the same wherever its shared view is shown: a section written anew for a
      // role set (its cards mark other roles as the reader's) runs Handlebars only for new cards.
      if (name !== SECTION_PARTIAL)
        return data ? (memoPartial(compiled, data) as unknown as Handlebars.Template) : undefined;
      const render = data ? memoPartial(compiled, data) : compiled;
      sectionRender = render;
      return ((context: unknown, options: Handlebars.RuntimeOptions & { indent?: string }) => {
        const by = options.indent ?? '';
        if (filling) {
          if (standIn) standIn.broken = true;
          return '';
        }
        const at = standIn?.standIns.sectionAt(context);
        if (standIn && at !== undefined) {
          // Each iteration's frame is the same object, changed in place: keep this one's values.
          const data = { ...(options.data ?? {}) };
          const kept = sectionStores.storeFor(standIn, data, by);
          standIn.sections.push({ at, options: { ...options, data }, indent: by, kept });
          return `<mj-raw>${marker(standIn.sections.length - 1)}</mj-raw>`;
        }
        const source = indented(render(context, options), by);
        if (standIn) {
          standIn.sections.push({ source, indent: by });
          return `<mj-raw>${marker(standIn.sections.length - 1)}</mj-raw>`;
        }
        sections.push(source);
        indents.push(by);
        return `<mj-raw>${marker(sections.length - 1)}</mj-raw>`;
      }) as unknown as Handlebars.Template;
    },
  });
  const each = htmlEnv.helpers.each as Handlebars.HelperDelegate;
  const placeFree = placeFreeBlocks(
    [templates.layout, ...templates.htmlPartials.values()],
    new Set(Object.keys(htmlEnv.helpers)),
  );
  htmlEnv.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
    const render = standIn;
    if (!render || filling || !render.standIns.isList(context)) return each.call(this, context, options);
    // Tried with the stand-ins first: a block that only hands them to the section partial stays as it is.
    const reads = render.standIns.elementReads();
    const placed = render.sections.length;
    const slots = render.slots.length;
    const out = each.call(this, context, options);
    const read = render.standIns.elementReads() - reads;
    render.expectedReads += read;
    if (read === 0) return out;
    render.sections.length = placed;
    render.slots.length = slots;
    const slot = listSlot(render.standIns.slotToken(slots), context, this, options, render);
    render.slots.push(slot);
    return slot.token;
  });
  /** Runs `fn` as part of a variant's fill: undefined when it met a stand-in or a section it cannot place. */
  const fillWith = (render: StandInRender, fn: () => string): string | undefined => {
    const reads = render.standIns.elementReads();
    standIn = render;
    filling = true;
    let out: string;
    try {
      out = fn();
    } finally {
      filling = false;
      standIn = undefined;
    }
    if (render.broken || render.standIns.tainted() || render.standIns.elementReads() !== reads) return undefined;
    return out;
  };
  const listSlot = (
    token: string,
    list: unknown,
    self: unknown,
    options: Handlebars.HelperOptions,
    render: StandInRender,
  ): ListSlot => {
    // The frame the block was called in, as it was then (a loop around it changes it in place).
    const outer = { ...(options.data ?? {}) };
    // An element's output depends on the element and its place in the list: kept per both, or per
    // element alone when the block reads nothing of its place (see place-free.ts).
    const anyPlace = placeFree.has(locationKey((options as { loc?: unknown }).loc) ?? '');
    const kept = new WeakMap<object, Map<string, string>>();
    const one = (element: unknown, index: number, last: boolean): string | undefined => {
      const key = anyPlace ? '' : `${index}\u0000${last}`;
      const keep = typeof element === 'object' && element !== null;
      const found = keep ? kept.get(element)?.get(key) : undefined;
      if (found !== undefined) return found;
      const data = Handlebars.createFrame(outer);
      Object.assign(data, { key: index, index, first: index === 0, last });
      const out = fillWith(render, () => options.fn(element, { data, blockParams: [element, index] }));
      if (out === undefined || !keep) return out;
      let byPlace = kept.get(element);
      if (!byPlace) {
        byPlace = new Map();
        kept.set(element, byPlace);
      }
      byPlace.set(key, out);
      return out;
    };
    return {
      token,
      list,
      fill(real) {
        if (real.length === 0) {
          const empty = fillWith(render, () => options.inverse(self));
          return empty === undefined ? undefined : [empty];
        }
        const out: string[] = [];
        for (let i = 0; i < real.length; i++) {
          const piece = one(real[i], i, i === real.length - 1);
          if (piece === undefined) return undefined;
          out.push(piece);
        }
        return out;
      },
    };
  };
  const skeleton0 = htmlEnv.compile(templates.layout.source, HTML_OPTIONS);

  // undefined until the first variant of the language was compared with the ordinary render.
  const htmlChecked = new Map<string, boolean>();

  const split = (view: unknown): SplitSource => {
    sections = [];
    indents = [];
    const source = runTemplate(skeleton0, view, templates.layout);
    const own = { sections, indents };
    sections = [];
    indents = [];
    return {
      skeleton: source,
      marker,
      sections: own.sections,
      whole: () => writeSections(source, own.sections, own.indents),
    };
  };
  const writeSections = (source: string, sources: readonly string[], by: readonly string[]): string => {
    let out = source;
    sources.forEach((section, k) => {
      // Handlebars indented the one-line marker as it indents the section's lines.
      const element = `${by[k]}<mj-raw>${marker(k)}</mj-raw>`;
      const at = out.indexOf(element);
      out = out.slice(0, at) + section + out.slice(at + element.length);
    });
    return out;
  };

  return {
    written,
    standIn(view, standIns) {
      const render: StandInRender = { standIns, sections: [], slots: [], expectedReads: 0, broken: false };
      const reads = standIns.elementReads();
      standIn = render;
      let skeleton: string;
      try {
        skeleton = runTemplate(skeleton0, view, templates.layout);
      } catch {
        // A template that fails on stand-ins is reported by the ordinary render, with real values.
        return undefined;
      } finally {
        standIn = undefined;
      }
      // Stand-in elements are read only inside the list blocks that become slots.
      const unexpected = standIns.elementReads() - reads !== render.expectedReads;
      if (render.broken || standIns.tainted() || unexpected) return undefined;
      const placed = render.sections;
      return {
        skeleton,
        marker,
        slots: render.slots,
        whole: (sources) =>
          writeSections(
            skeleton,
            sources,
            placed.map((section) => section.indent),
          ),
        sections(real) {
          const out: string[] = [];
          for (const section of placed) {
            if ('source' in section) {
              out.push(section.source);
              continue;
            }
            // In one place of one class, a section's source depends on the section alone; places
            // where the partial reads the same frame data and root values share it (section-keep.ts).
            const view = real[section.at];
            const keep = typeof view === 'object' && view !== null;
            let source = keep ? section.kept.get(view) : undefined;
            if (source === undefined) {
              const rendered = fillWith(render, () => sectionRender!(view, section.options));
              written.sections++;
              if (rendered === undefined) return undefined;
              source = indented(rendered, section.indent);
              if (keep) section.kept.set(view, source);
            }
            out.push(source);
          }
          return out;
        },
      };
    },
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

/**
 * Reused section text indented once per indentation: one cache per renderer, let go with it (most
 * lookups of a render miss; a cache shared by every renderer kept ~2.3 MB after a large one).
 */
function createIndenter(): (text: string, by: string) => string {
  const indentedTexts = new Map<string, Cache<string, string>>();
  return (text, by) => {
    if (!by) return text;
    let byText = indentedTexts.get(by);
    if (!byText) {
      byText = createCache(500);
      indentedTexts.set(by, byText);
    }
    return byText.getOrSet(text, () => indent(text, by));
  };
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

interface PlacedSection {
  /** The section's place in the variant's list of sections. */
  at: number;
  options: Handlebars.RuntimeOptions;
  indent: string;
  /** Sources already written here, or where the section partial reads the same (see section-keep.ts), by section view. */
  kept: SectionStore;
}

interface StandInRender {
  standIns: StandIns;
  /** Per marker: a stand-in section, rendered per variant, or a source fixed for the stand-in view. */
  sections: (PlacedSection | { source: string; indent: string })[];
  slots: ListSlot[];
  /** Reads of stand-in elements inside list blocks (which become slots). */
  expectedReads: number;
  /** A section partial was met where it cannot be placed. */
  broken: boolean;
}

export { memoPartial, reusablePartials, valueReadingPartials } from './partial-memo.js';
