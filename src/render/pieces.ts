import { randomBytes } from 'node:crypto';
import { detach } from '../detach.js';
import { createCache } from './_cache.js';
import { minifyHtml } from './minify.js';
import type { MjmlResult } from './mjml.js';
import type {
  CompileSource,
  Frame,
  PieceCompiler,
  PieceResult,
  PieceStats,
  SectionChildren,
  SectionRun,
  SkeletonTaken,
  SplitSource,
  Taken,
} from './piece-types.js';

/**
 * Compiles a digest's MJML from pieces, so MJML work grows with the shapes of the layout, not with
 * the number of variants.
 *
 * MJML passes the content of `mj-text` and `mj-raw` through untouched (trimmed), and renders each
 * child of an `mj-column` on its own. So a variant's source is taken apart: every such content is
 * lifted out and replaced by one hole token, which leaves a "shape" of markup and attributes. Columns
 * whose children are only `mj-text`/`mj-raw` are emptied; what remains is the frame. Frames and
 * column children are compiled once per distinct shape (many children in one MJML run, cut apart
 * at marker elements) and a variant is assembled by joining compiled pieces and filling the holes.
 *
 * The first variant of every frame is also compiled whole and the two results compared; a template
 * whose pieces do not reproduce the whole is compiled whole from then on, so the output never
 * depends on this shortcut. Pieces are minified one by one (markup between them is block-level, so
 * the join equals the minified whole, which that comparison checks too).
 */

export type { CompileSource, PieceCompiler, PieceResult, PieceStats, SectionRun, SplitSource } from './piece-types.js';

const SEGMENT_CACHE = 1000;
const MAX_FRAMES = 16;

export function createPieceCompiler(
  compileWhole: CompileSource,
  nonce = randomBytes(6).toString('hex'),
): PieceCompiler {
  const hole = `rcH${nonce}h`;
  const content = /<(mj-text|mj-raw)(\s[^>]*)?>([\s\S]*?)<\/\1>/g;
  const column = /(<mj-column\b[^>]*>)([\s\S]*?)(<\/mj-column>)/g;
  const child = new RegExp(`<(mj-text|mj-raw)(?:\\s[^>]*)?>${hole}</\\1>`, 'g');
  const begin = (i: number) => `rcB${nonce}x${i}x`;
  const after = (i: number, j: number) => `rcM${nonce}x${i}x${j}x`;
  const frames = new Map<string, Frame>();
  // Most segments (compiled markup, cards) recur in every variant: minify each once.
  const minified = createCache<string, string>(SEGMENT_CACHE);
  const minifySegment = (segment: string) => {
    // Keyed by the very string asked for: the callers hand on the same strings for every
    // variant, and a lookup by the same string object neither hashes nor compares it again.
    return minified.getOrSet(segment, () => detach(minifyHtml(segment)));
  };
  const stats: PieceStats = { compiles: 0, assembled: 0, whole: 0 };

  const whole = async (source: string) => {
    stats.compiles++;
    stats.whole++;
    return compileWhole(source);
  };

  // A section is worked out once however many variants hold it.
  const sectionChildren = createCache<string, SectionChildren | null>(SEGMENT_CACHE);
  const childrenOf = (section: string): SectionChildren | undefined => {
    const found = sectionChildren.getOrSet(section, () => {
      if (section.includes(hole) || section.includes('\u0000')) return null;
      const contents: string[] = [];
      const shapes: string[] = [];
      const rest = section.replace(content, (_, tag: string, attrs: string | undefined, inner: string) => {
        contents.push(detach(inner.trim()));
        shapes.push(`<${tag}${attrs ?? ''}>${hole}</${tag}>`);
        return '';
      });
      // Only a run of mj-text/mj-raw children can stand in a split column as it does whole.
      return rest.trim() === '' ? { shapes: shapes.join(''), list: shapes, contents } : null;
    });
    return found ?? undefined;
  };

  const take = (source: string, split?: SplitSource): Taken | undefined => {
    if (source.includes(hole) || source.includes('\u0000')) return undefined;
    // Only the body: mj-attributes in the head hold empty mj-text and mj-column elements as defaults.
    const bodyAt = source.search(/<mj-body\b/);
    if (bodyAt < 0) return undefined;
    const contents: string[] = [];
    const markers = new Map<string, number>();
    if (split) for (let k = 0; k < split.sections.length; k++) markers.set(split.marker(k), k);
    let placed = 0;
    let unsplit = false;
    const shape =
      source.slice(0, bodyAt) +
      source.slice(bodyAt).replace(content, (_, tag: string, attrs: string | undefined, inner: string) => {
        const k = tag === 'mj-raw' && attrs === undefined ? markers.get(inner) : undefined;
        if (k !== undefined) {
          const children = childrenOf(split!.sections[k]!);
          placed++;
          if (!children) unsplit = true;
          else {
            for (const c of children.contents) contents.push(c);
            return children.shapes;
          }
          return '';
        }
        // Its own copy: a content is a cache key, which must not keep the whole source alive.
        contents.push(detach(inner));
        return `<${tag}${attrs ?? ''}>${hole}</${tag}>`;
      });
    if (split && (unsplit || placed !== split.sections.length)) return undefined;
    const columns: string[][] = [];
    const frameKey =
      shape.slice(0, bodyAt) +
      shape.slice(bodyAt).replace(column, (match, open: string, body: string, close: string) => {
        const kids = body.match(child) ?? [];
        if (body.replace(child, '').trim() !== '') return match;
        columns.push(kids);
        return `${open}\u0000${close}`;
      });
    return { frameKey, columns, contents };
  };

  // Variants of one role-set class share their skeleton string: it is taken apart once.
  const skeletons = createCache<string, SkeletonTaken | null>(64);
  const place = (k: number) => `\u0001${k}\u0001`;
  const placed = /\u0001(\d+)\u0001/g;
  const takeSkeleton = (split: SplitSource): SkeletonTaken | null => {
    const source = split.skeleton;
    if (source.includes(hole) || source.includes('\u0000') || source.includes('\u0001')) return null;
    const bodyAt = source.search(/<mj-body\b/);
    if (bodyAt < 0) return null;
    const markers = new Map<string, number>();
    for (let k = 0; k < split.sections.length; k++) markers.set(split.marker(k), k);
    const contents: (string | number)[] = [];
    let count = 0;
    const shape =
      source.slice(0, bodyAt) +
      source.slice(bodyAt).replace(content, (_, tag: string, attrs: string | undefined, inner: string) => {
        const k = tag === 'mj-raw' && attrs === undefined ? markers.get(inner) : undefined;
        if (k !== undefined) {
          count++;
          contents.push(k);
          return place(k);
        }
        // Trimmed here, as assembling would, so every variant hands on the same string.
        contents.push(detach(inner.trim()));
        return `<${tag}${attrs ?? ''}>${hole}</${tag}>`;
      });
    if (count !== split.sections.length) return null;
    const columns: (string | number)[][] = [];
    const kid = new RegExp(`${child.source}|${placed.source}`, 'g');
    const frameKey =
      shape.slice(0, bodyAt) +
      shape.slice(bodyAt).replace(column, (match, open: string, body: string, close: string) => {
        if (body.replace(kid, '').trim() !== '') return match;
        columns.push((body.match(kid) ?? []).map((k) => (k.startsWith('\u0001') ? Number(k.slice(1, -1)) : k)));
        return `${open}\u0000${close}`;
      });
    // A section outside a column of text children would make the frame differ per variant.
    if (frameKey.includes('\u0001')) return null;
    return { frameKey: detach(frameKey), columns, contents };
  };
  const takeSplit = (split: SplitSource): Taken | undefined => {
    const template = skeletons.getOrSet(split.skeleton, () => takeSkeleton(split));
    if (!template) return take(split.skeleton, split);
    const children = split.sections.map(childrenOf);
    if (children.some((c) => c === undefined)) return take(split.skeleton, split);
    const expand = <T>(entries: readonly (T | number)[], of: (c: SectionChildren) => readonly T[]): T[] => {
      const out: T[] = [];
      for (const entry of entries) {
        if (typeof entry === 'number') for (const each of of(children[entry]!)) out.push(each);
        else out.push(entry);
      }
      return out;
    };
    return {
      frameKey: template.frameKey,
      columns: template.columns.map((kids) => expand(kids, (c) => c.list)),
      contents: expand(template.contents, (c) => c.contents),
      origins: template.columns.map((kids) => {
        const out: number[] = [];
        for (const kid of kids) {
          if (typeof kid === 'number') for (let i = 0; i < children[kid]!.list.length; i++) out.push(kid);
          else out.push(-1);
        }
        return out;
      }),
      sectionCount: split.sections.length,
    };
  };

  /** Compiles the frame with every child shape it has not seen, each followed by a marker, and cuts the output. */
  const fill = async (frame: Frame, taken: Taken): Promise<MjmlResult | undefined> => {
    const missing = taken.columns.map((kids, i) => [...new Set(kids)].filter((kid) => !frame.children[i]?.has(kid)));
    if (frame.parts && missing.every((kids) => kids.length === 0)) return undefined;
    let i = 0;
    const source = frame.shape.replace(/\u0000/g, () => {
      const index = i++;
      const kids = missing[index]!.map((kid, j) => `${kid}<mj-raw>${after(index, j)}</mj-raw>`).join('');
      return `<mj-raw>${begin(index)}</mj-raw>${kids}`;
    });
    stats.compiles++;
    const result = await compileWhole(source);
    if (result.errors.length) return result;
    const html = result.html;
    const parts: string[] = [];
    let pos = 0;
    for (let c = 0; c < missing.length; c++) {
      const start = html.indexOf(begin(c), pos);
      if (start < 0) return result;
      parts.push(html.slice(pos, start));
      pos = start + begin(c).length;
      frame.children[c] ??= new Map();
      const compiled = frame.children[c]!;
      for (const [j, kid] of missing[c]!.entries()) {
        const end = html.indexOf(after(c, j), pos);
        if (end < 0) return result;
        compiled.set(kid, html.slice(pos, end).split(hole));
        pos = end + after(c, j).length;
      }
    }
    parts.push(html.slice(pos));
    frame.parts ??= parts.map((part) => part.split(hole));
    return undefined;
  };

  /**
   * The variant's text in order: compiled markup between holes, and the lifted contents in the
   * holes; with where each section's children lie, when they lie in one run each.
   */
  const assemble = (frame: Frame, taken: Taken): { out: string[]; runs: SectionRun[] | undefined } | undefined => {
    const out: string[] = [];
    let next = 0;
    const add = (split: string[]) => {
      out.push(split[0]!);
      for (let k = 1; k < split.length; k++) {
        if (next >= taken.contents.length) return false;
        out.push(taken.contents[next++]!.trim(), split[k]!);
      }
      return true;
    };
    const runs: (SectionRun | undefined)[] = Array.from({ length: taken.sectionCount ?? 0 });
    let contiguous = taken.origins !== undefined;
    const parts = frame.parts!;
    if (!add(parts[0]!)) return undefined;
    for (const [c, kids] of taken.columns.entries()) {
      const origins = taken.origins?.[c];
      for (const [i, kid] of kids.entries()) {
        const start = out.length;
        if (!add(frame.children[c]!.get(kid)!)) return undefined;
        const k = origins?.[i] ?? -1;
        if (k < 0) continue;
        const run = runs[k];
        if (run === undefined) runs[k] = { start, end: out.length, column: c };
        else if (run.end === start) run.end = out.length;
        else contiguous = false;
      }
      if (!add(parts[c + 1]!)) return undefined;
    }
    if (next !== taken.contents.length) return undefined;
    // A section without children has no place of its own in the output.
    const whole = contiguous && runs.every((run) => run !== undefined);
    return { out, runs: whole ? (runs as SectionRun[]) : undefined };
  };

  const sectionRun = (frameRef: object, column: number, section: string): string[] | undefined => {
    const frame = frameRef as Frame;
    if (frame.verified !== true || frames.get(frame.shape) !== frame) return undefined;
    const children = childrenOf(section);
    const compiled = frame.children[column];
    if (!children || !compiled) return undefined;
    // As `assemble` writes a section's children: compiled markup, each hole filled in order.
    const out: string[] = [];
    let next = 0;
    for (const kid of children.list) {
      const split = compiled.get(kid);
      if (!split) return undefined;
      out.push(split[0]!);
      for (let k = 1; k < split.length; k++) {
        if (next >= children.contents.length) return undefined;
        out.push(children.contents[next++]!.trim(), split[k]!);
      }
    }
    if (next !== children.contents.length) return undefined;
    return out.map(minifySegment);
  };

  const compileOne = (source: string): Promise<PieceResult> => compileTaken(take(source), () => source);

  const compileSplitOne = (split: SplitSource): Promise<PieceResult> => {
    const source = () => split.whole();
    return compileTaken(takeSplit(split), source);
  };

  const compileTaken = async (taken: Taken | undefined, wholeSource: () => string): Promise<PieceResult> => {
    if (!taken) return whole(wholeSource());
    const source = wholeSource;
    let frame = frames.get(taken.frameKey);
    // A template that writes per-variant values into the frame's markup makes a frame per variant:
    // past a few, compiling whole is cheaper than a frame run plus its check.
    if (!frame && frames.size >= MAX_FRAMES) return whole(source());
    if (!frame) {
      frame = { shape: taken.frameKey, parts: undefined, children: [], verified: undefined };
      frames.set(taken.frameKey, frame);
    }
    if (frame.verified === false) return whole(source());
    // MJML's errors carry lines of the source it was given: report them from the whole source.
    const failed = await fill(frame, taken);
    if (failed) return whole(source());
    const assembled = assemble(frame, taken);
    if (assembled === undefined) {
      frame.verified = false;
      return whole(source());
    }
    const segments = assembled.out.map(minifySegment);
    if (frame.verified === undefined) {
      const reference = await whole(source());
      stats.whole--;
      frame.verified = !reference.errors.length && minifyHtml(reference.html) === segments.join('');
      if (!frame.verified) {
        stats.whole++;
        return reference;
      }
    }
    stats.assembled++;
    const runs = assembled.runs;
    return runs ? { html: '', errors: [], segments, runs, frame } : { html: '', errors: [], segments };
  };

  // One variant at a time: a frame's pieces are filled in before the next variant looks at them.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    stats,
    sectionRun,
    compile(source) {
      const next = queue.then(() => compileOne(source));
      queue = next.catch(() => undefined);
      return next;
    },
    compileSplit(split) {
      const next = queue.then(() => compileSplitOne(split));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
