import { detach } from '../detach.js';
import { createCache } from './_cache.js';
import { createGapSteps } from './gap-steps.js';
import { minifyHtml, minifyPiece } from './minify.js';
import type { PieceCompiler, PieceResult } from './pieces.js';
import { createSectionRuns } from './section-runs.js';
import type {
  FilledVariant,
  GateSegment,
  LinedSegment,
  SetClass,
  SetFrameStats,
  SetFrames,
} from './set-frame-types.js';
import { joinMinified, linesInText, literalPiece, type Piece, pushCut } from './set-join.js';
import { classKey, lineValues, sameLanguageFields } from './set-lines.js';
import type { ListSlot, SplicedTemplates } from './splice.js';
import { createStandIns } from './stand-ins.js';
import type { DigestView } from './view.js';

/**
 * Role sets compiled as classes, not one by one. What differs between two role sets of one
 * language is a few lines of text (subject, audience line, lead, contents summary, preheader,
 * intro) and two lists (the sections and the contents entries). Variants that agree on everything
 * else, on those lists' lengths and on which of those lines are empty, form a class: the layout is
 * rendered once for the class from a stand-in view, whose lines are tokens and whose list elements
 * are stand-ins, and each variant of the class is its compiled skeleton with its own sections put
 * in and its lines and list blocks filled, the way reader fields are filled.
 *
 * The stand-ins notice how a template uses them: a line may only be printed (escaped) or tested,
 * a list element may only be handed to the section partial or read inside an `each` block over
 * its list. Anything else (a line's length, a helper given a line, a raw `{{{line}}}`, a list
 * element read elsewhere) sends the class the ordinary way. The first variant of every class is
 * also compiled the ordinary way and compared byte for byte; a class that differs is compiled the
 * ordinary way from then on.
 */

export type { FilledVariant, GateSegment, LinedSegment, SetFrameStats, SetFrames } from './set-frame-types.js';

const MAX_CLASSES = 64;

export function createSetFrames(options: {
  spliced: SplicedTemplates;
  pieces: PieceCompiler;
  /** The ordinary compile of a view: its segments, or its whole minified HTML. */
  ordinary: (view: DigestView) => Promise<readonly string[] | string>;
  nonce: string;
}): SetFrames {
  const { spliced, pieces, nonce } = options;
  const { standIns, standInView, lineToken, tokens, holdsToken, clearTaint } = createStandIns(nonce);
  const classes = new Map<string, SetClass>();
  const sectionRuns = createSectionRuns(pieces, holdsToken);
  const stats: SetFrameStats = { classes: 0, filled: 0, ordinary: 0, composed: 0, sectionsWritten: 0 };

  // Segments of a class recur in every variant of it: each is cut at its tokens once.
  const cuts = createCache<string, readonly string[] | null>(2000);
  const cut = (segment: string): readonly string[] | null => {
    let found = cuts.get(segment);
    if (found === undefined) {
      const parts = segment.split(tokens);
      found = parts.length === 1 ? null : parts;
      cuts.set(segment, found);
    }
    return found;
  };

  const newClass = async (view: DigestView): Promise<SetClass> => {
    clearTaint();
    const stand = standInView(view);
    const source = spliced.standIn(stand, standIns);
    clearTaint();
    const slotLists = (source?.slots ?? []).map((slot: ListSlot) => {
      if (slot.list === stand.sections) return (v: DigestView) => v.sections;
      if (slot.list === stand.contents.sections) return (v: DigestView) => v.contents.sections;
      return undefined;
    });
    const usable = source && slotLists.every((f) => f !== undefined);
    return {
      reference: view,
      source: usable ? source : undefined,
      verified: usable ? undefined : false,
      slotLists: slotLists.filter((f) => f !== undefined),
      gaps: undefined,
      frame: undefined,
      columns: [],
      composedChecked: undefined,
    };
  };

  // A list block's element output, minified once however many variants hold it.
  const minifiedPieces = createCache<string, Piece>(2000);
  const pieceOf = (raw: string): Piece => {
    let found = minifiedPieces.get(raw);
    if (found === undefined) {
      const piece = minifyPiece(raw);
      found = { ...piece, html: detach(piece.html) };
      minifiedPieces.set(raw, found);
    }
    return found;
  };

  /**
   * The variant's segments: its lines written in, and each list block's element outputs as
   * segments of their own where they join as the minified whole would: minifying keeps white
   * space between two pieces as one space unless a block-level tag is next to it. Where it would
   * keep one, the segment is minified again with the outputs in place.
   */
  const fillSegments = (
    segments: readonly string[],
    view: DigestView,
    set: SetClass,
    values: readonly string[] = lineValues(view),
    pieces?: string[],
    gates?: GateSegment[],
  ): string[] | undefined => {
    const slots = set.source!.slots;
    const fillLines = (text: string): string | undefined => {
      const parts = cut(text);
      if (!parts) return text;
      let filled = parts[0]!;
      for (let i = 1; i < parts.length; i += 3) {
        // A list block's output holds lines, never another list block.
        if (parts[i] === undefined) return undefined;
        filled += values[Number(parts[i])]! + parts[i + 2]!;
      }
      return filled;
    };
    const out: string[] = [];
    for (const segment of segments) {
      const parts = cut(segment);
      if (!parts) {
        out.push(segment);
        pieces?.push(segment);
        gates?.push(segment);
        continue;
      }
      const sequence: Piece[] = [];
      let literal = parts[0]!;
      let whole = literal;
      for (let i = 1; i < parts.length; i += 3) {
        const after = parts[i + 2]!;
        if (parts[i] !== undefined) {
          const value = values[Number(parts[i])]!;
          literal += value + after;
          whole += value + after;
          continue;
        }
        const k = Number(parts[i + 1]);
        const outputs = slots[k]!.fill(set.slotLists[k]!(view));
        if (outputs === undefined) return undefined;
        sequence.push(literalPiece(literal));
        for (const raw of outputs) {
          const piece = pieceOf(raw);
          const html = fillLines(piece.html);
          if (html === undefined) return undefined;
          sequence.push(html === piece.html ? piece : { ...piece, html });
          whole += raw;
        }
        literal = after;
        whole += after;
      }
      if (sequence.length === 0) {
        out.push(literal);
        if (pieces) pushCut(pieces, parts, values);
        gates?.push(linedSegment(segment, parts, values) ?? literal);
        continue;
      }
      sequence.push(literalPiece(literal));
      const joined = joinMinified(sequence);
      const from = out.length;
      if (joined) for (const piece of joined) out.push(piece);
      // A list block's output was never minified: the segment is, again, with it in place.
      else out.push(minifyHtml(whole));
      for (let i = from; i < out.length; i++) {
        pieces?.push(out[i]!);
        gates?.push(out[i]!);
      }
    }
    return out;
  };

  // Whether each class segment holding lines keeps them clear of links and images, once per segment.
  const textLines = createCache<string, number | null>(2000);
  /** The segment as a `LinedSegment`, or undefined when its lines could touch a link or an image. */
  const linedSegment = (
    segment: string,
    parts: readonly (string | undefined)[],
    values: readonly string[],
  ): LinedSegment | undefined => {
    let tokenChars = textLines.get(segment);
    if (tokenChars === undefined) {
      tokenChars = linesInText(segment, parts, (line) => lineToken(line).length) ? tokenLengths(parts) : null;
      textLines.set(segment, tokenChars);
    }
    if (tokenChars === null) return undefined;
    const lines: string[] = [];
    for (let i = 1; i < parts.length; i += 3) lines.push(values[Number(parts[i])]!);
    return { template: segment, lines, tokenChars };
  };
  const tokenLengths = (parts: readonly (string | undefined)[]): number => {
    let chars = 0;
    for (let i = 1; i < parts.length; i += 3) chars += lineToken(Number(parts[i])).length;
    return chars;
  };

  // Templates that once used a stand-in in a way a fill cannot reproduce do so for every class
  // (a partial's output may even be kept from that render): the renderer stops filling at all.
  let refused = false;
  const viaClass = async (view: DigestView): Promise<FilledVariant | undefined> => {
    if (refused) return undefined;
    const key = classKey(view);
    if (key === undefined) return undefined;
    let set = classes.get(key);
    if (set && !sameLanguageFields(set.reference, view)) return undefined;
    if (!set) {
      if (classes.size >= MAX_CLASSES) return undefined;
      set = await newClass(view);
      classes.set(key, set);
      stats.classes++;
    }
    const filled = set.source ? await fill(set, view) : undefined;
    if (filled && set.verified === undefined) {
      const reference = await options.ordinary(view);
      set.verified = filled.segments.join('') === (typeof reference === 'string' ? reference : reference.join(''));
    }
    if (!filled || !set.verified) {
      refused = true;
      return undefined;
    }
    return filled;
  };

  /**
   * Learns from a variant assembled from pieces what its class writes around its sections, and
   * each section's own segments. A section's segments depend only on its source and the class's
   * frame; the class's own segments only on the class, which `gaps` checks variant by variant.
   * A section whose segments hold a line or a list block is not kept: it is assembled each time.
   */
  const learn = (set: SetClass, sections: readonly string[], result: PieceResult): void => {
    const { segments, runs, frame } = result;
    if (set.gaps === null) return;
    if (!segments || !runs || !frame || runs.length !== sections.length || runs.length === 0) {
      set.gaps = null;
      return;
    }
    const gaps: (readonly string[])[] = [segments.slice(0, runs[0]!.start)];
    for (let k = 0; k < runs.length; k++)
      gaps.push(segments.slice(runs[k]!.end, runs[k + 1]?.start ?? segments.length));
    const columns = runs.map((run) => run.column);
    if (set.gaps === undefined) Object.assign(set, { gaps, frame, columns });
    else if (set.frame !== frame || !sameLists(set.gaps, gaps) || columns.some((c, k) => c !== set.columns[k])) {
      set.gaps = null;
      return;
    }
    for (const [k, { start, end, column }] of runs.entries())
      sectionRuns.keep(frame, column, sections[k]!, segments.slice(start, end));
  };

  /** The variant's segments from its class's gaps and its sections' runs, or undefined when one is not known. */
  const compose = (set: SetClass, sections: readonly string[], view: DigestView): FilledVariant | undefined => {
    const gaps = set.gaps;
    if (!gaps || !set.frame || gaps.length !== sections.length + 1) return undefined;
    const runs: (readonly string[])[] = [];
    for (const [k, section] of sections.entries()) {
      const run = sectionRuns.runOf(set.frame, set.columns[k]!, section);
      if (run === undefined) return undefined;
      runs.push(run);
    }
    // Segments are filled one by one, so the gaps are filled apart; the runs hold nothing to fill.
    const values = lineValues(view);
    const out: string[] = [];
    const pieces: string[] = [];
    const gates: GateSegment[] = [];
    for (let k = 0; k < gaps.length; k++) {
      for (const step of gapSteps(gaps[k]!)) {
        if (typeof step !== 'string') {
          for (const segment of step) {
            out.push(segment);
            pieces.push(segment);
          }
          gates.push(step);
          continue;
        }
        const filled = fillSegments([step], view, set, values, pieces, gates);
        if (filled === undefined) return undefined;
        for (const segment of filled) out.push(segment);
      }
      if (k < runs.length) {
        for (const segment of runs[k]!) {
          out.push(segment);
          pieces.push(segment);
        }
        gates.push(runs[k]!);
      }
    }
    return { segments: out, pieces, gates };
  };

  const gapSteps = createGapSteps(cut);

  const fill = async (set: SetClass, view: DigestView): Promise<FilledVariant | undefined> => {
    const source = set.source!;
    const sections = source.sections(view.sections);
    stats.sectionsWritten = spliced.written.sections;
    if (!sections) return undefined;
    const composed = compose(set, sections, view);
    if (composed && set.composedChecked) {
      stats.composed++;
      return composed;
    }
    const result = await pieces.compileSplit({
      skeleton: source.skeleton,
      marker: source.marker,
      sections,
      whole: () => source.whole(sections),
    });
    if (result.errors.length) return undefined;
    const pieceList: string[] = [];
    const gates: GateSegment[] = [];
    const assembled = fillSegments(
      result.segments ?? [minifyHtml(result.html)],
      view,
      set,
      undefined,
      pieceList,
      gates,
    );
    if (composed) {
      // The first variant put together from runs is compared with its assembly, as classes are.
      set.composedChecked =
        assembled !== undefined &&
        composed.segments.join('') === assembled.join('') &&
        composed.pieces.join('') === pieceList.join('');
      if (!set.composedChecked) set.gaps = null;
    } else learn(set, sections, result);
    return assembled && { segments: assembled, pieces: pieceList, gates };
  };

  return {
    stats,
    async compile(view) {
      const filled = await viaClass(view);
      if (filled) stats.filled++;
      else stats.ordinary++;
      return filled;
    },
  };
}

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  return (
    a.length === b.length && a.every((list, i) => list.length === b[i]!.length && list.every((x, j) => x === b[i]![j]))
  );
}
