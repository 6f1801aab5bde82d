import Handlebars from 'handlebars';
import { detach } from '../detach.js';
import { type Cache, createCache } from './_cache.js';
import { IMAGE_TAG, LINK_ATTRIBUTE } from './gates.js';
import { blockEdge, hasOtherSpace, minifyHtml, minifyPiece, trimSpace } from './minify.js';
import type { PieceCompiler, PieceResult } from './pieces.js';
import type { ListSlot, SplicedTemplates, StandIns } from './splice.js';
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

export interface SetFrames {
  /** The variant's minified HTML segments, or undefined to compile it the ordinary way. */
  compile(view: DigestView): Promise<FilledVariant | undefined>;
  readonly stats: SetFrameStats;
}

/** A variant filled from its class. */
export interface FilledVariant {
  /** Its minified HTML segments, each whole: what the gates check, piece by piece. */
  segments: readonly string[];
  /**
   * The same HTML in pieces for its message: a segment that holds only lines is cut at them, so the
   * text around them stays the class's own shared strings (see `pushCut`).
   */
  pieces: readonly string[];
  /**
   * What the gates read, segment by segment: a segment as it is, or a segment of the class that
   * holds only lines, with its lines apart (see `LinedSegment`), so a role set's gates never scan
   * its own copy of a long segment.
   */
  gates: readonly GateSegment[];
}

/**
 * A class's segment, its lines as tokens, and the variant's lines in the order they appear. Only
 * for segments whose lines sit where they can change no link and no image (see `linesInText`): its
 * link and image gates are the class segment's, its size the class segment's with the lines' own.
 */
export interface LinedSegment {
  template: string;
  lines: readonly string[];
  /** Characters the line tokens take in `template`. */
  tokenChars: number;
}

export type GateSegment = string | LinedSegment;

export interface SetFrameStats {
  /** Classes met: each rendered once from its stand-in view. */
  classes: number;
  /** Variants filled from their class. */
  filled: number;
  /** Variants compiled the ordinary way because their class could not be used. */
  ordinary: number;
  /** Of the filled variants, those put together from their class's gaps and kept sections alone. */
  composed: number;
}

/** The variant's lines that differ between role sets, by where they sit in the view. */
const LINES = [
  ['subject'],
  ['audience'],
  ['issue', 'lead'],
  ['issue', 'preheader'],
  ['issue', 'intro'],
  ['contents', 'summary'],
] as const;

/** Fields of the view that hold a variant's own lines and lists; everything else is the language's. */
const OWN = new Set(['subject', 'audience', 'isEditorEdition', 'contents', 'sections', 'issue']);
const OWN_ISSUE = new Set(['lead', 'preheader', 'intro']);

const MAX_CLASSES = 64;
/** Sections kept per column of a frame: a few hundred for a dozen roles; past the limit the oldest are worked out again. */
const RUNS_PER_COLUMN = 1000;

export interface Piece {
  /** Minified, so without white space at either end. */
  html: string;
  /** The raw output started or ended with white space. */
  spaceBefore: boolean;
  spaceAfter: boolean;
}

interface SetClass {
  /** The view the class was made from: the language's fields are compared with it. */
  reference: DigestView;
  source: ReturnType<SplicedTemplates['standIn']>;
  /** Undefined until the first variant was compared with the ordinary compile. */
  verified: boolean | undefined;
  /** The list a slot iterates, read from the variant. */
  slotLists: ((view: DigestView) => readonly unknown[])[];
  /**
   * The class's own segments before, between and after its sections, learnt from its variants
   * assembled from pieces; null when they differ between variants or the sections cannot be told
   * apart (see `learn`).
   */
  gaps: readonly (readonly string[])[] | null | undefined;
  /** The frame its variants are assembled in, and the column each of its sections goes in. */
  frame: object | undefined;
  columns: readonly number[];
  /** Undefined until the first variant put together from runs was compared with its assembly. */
  composedChecked: boolean | undefined;
}

export function createSetFrames(options: {
  spliced: SplicedTemplates;
  pieces: PieceCompiler;
  /** The ordinary compile of a view: its segments, or its whole minified HTML. */
  ordinary: (view: DigestView) => Promise<readonly string[] | string>;
  nonce: string;
}): SetFrames {
  const { spliced, pieces, nonce } = options;
  // A line's token and a list block's: the prefix, then the line's or the block's number.
  const linePrefix = `rcV${nonce}x`;
  const slotPrefix = `rcL${nonce}x`;
  const lineToken = (i: number) => `${linePrefix}${i}x`;
  const tokens = new RegExp(`${linePrefix}(\\d+)x|${slotPrefix}(\\d+)x`, 'g');
  // A search, not `cut`: a section's segments are many, and would crowd the class's own out of its cache.
  const holdsToken = (segment: string) => segment.includes(linePrefix) || segment.includes(slotPrefix);
  const classes = new Map<string, SetClass>();
  const stats: SetFrameStats = { classes: 0, filled: 0, ordinary: 0, composed: 0 };

  // Stand-ins record how they are used.
  let elementReads = 0;
  let tainted = false;
  const positions = new WeakMap<object, number>();
  const lists = new WeakSet<object>();
  const standIns: StandIns = {
    isList: (value) => typeof value === 'object' && value !== null && lists.has(value),
    sectionAt: (value) => (typeof value === 'object' && value !== null ? positions.get(value) : undefined),
    elementReads: () => elementReads,
    tainted: () => tainted,
    slotToken: (k) => `${slotPrefix}${k}x`,
  };
  const element = (): object =>
    watched(() => {
      elementReads++;
    });
  const standInList = (length: number, sections: boolean): object[] => {
    const list = Array.from({ length }, (_, i) => {
      const one = element();
      if (sections) positions.set(one, i);
      return one;
    });
    lists.add(list);
    return list;
  };
  /** A line's stand-in: printed escaped it is its token; used any other way, the class is ordinary. */
  const line = (i: number): object => {
    const token = lineToken(i);
    const toHTML = () => token;
    // A partial kept by the values it reads keys them with JSON: a line's key is its token.
    const toJSON = () => token;
    const markTainted = () => {
      tainted = true;
    };
    // Made a string some other way (printed raw, used as a key): the class cannot be filled.
    const toPrimitive = () => {
      markTainted();
      return token;
    };
    return watched(markTainted, { toHTML, toJSON, [Symbol.toPrimitive]: toPrimitive });
  };

  const standInView = (view: DigestView): DigestView => {
    const lineOr = (i: number, value: string | undefined) => (value ? (line(i) as unknown as string) : value);
    return {
      ...view,
      subject: lineOr(0, view.subject)!,
      audience: lineOr(1, view.audience)!,
      issue: {
        ...view.issue,
        lead: lineOr(2, view.issue.lead)!,
        preheader: lineOr(3, view.issue.preheader),
        intro: lineOr(4, view.issue.intro),
      },
      contents: {
        ...view.contents,
        summary: lineOr(5, view.contents.summary)!,
        sections: standInList(view.contents.sections.length, false) as unknown as DigestView['contents']['sections'],
      },
      sections: standInList(view.sections.length, true) as unknown as DigestView['sections'],
    };
  };

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
    tainted = false;
    const stand = standInView(view);
    const source = spliced.standIn(stand, standIns);
    tainted = false;
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
      keepRun(frame, column, sections[k]!, segments.slice(start, end));
  };

  /** Keeps a section's segments for the variants that show it, unless they hold a line or list block. */
  const keepRun = (frame: object, column: number, section: string, run: readonly string[]) => {
    if (run.some(holdsToken)) return undefined;
    runsIn(frame, column).set(section, run);
    return run;
  };

  /**
   * A section's kept segments in a frame's column; one not met there yet is put together from the
   * frame's compiled pieces, as assembling a variant holding it would, without assembling one.
   */
  const runOf = (frame: object, column: number, section: string): readonly string[] | undefined => {
    const kept = sectionRuns.get(frame)?.[column]?.get(section);
    if (kept !== undefined) return kept;
    const run = pieces.sectionRun(frame, column, section);
    return run && keepRun(frame, column, section, run);
  };

  // A section's segments, by the frame and column it is assembled in and its source: classes
  // that share a frame share them. Only sections without lines or list blocks are kept.
  const sectionRuns = new WeakMap<object, Cache<string, readonly string[]>[]>();
  const runsIn = (frame: object, column: number): Cache<string, readonly string[]> => {
    let byColumn = sectionRuns.get(frame);
    if (!byColumn) {
      byColumn = [];
      sectionRuns.set(frame, byColumn);
    }
    byColumn[column] ??= createCache(RUNS_PER_COLUMN);
    return byColumn[column]!;
  };

  /** The variant's segments from its class's gaps and its sections' runs, or undefined when one is not known. */
  const compose = (set: SetClass, sections: readonly string[], view: DigestView): FilledVariant | undefined => {
    const gaps = set.gaps;
    if (!gaps || !set.frame || gaps.length !== sections.length + 1) return undefined;
    const runs: (readonly string[])[] = [];
    for (const [k, section] of sections.entries()) {
      const run = runOf(set.frame, set.columns[k]!, section);
      if (run === undefined) return undefined;
      runs.push(run);
    }
    // Segments are filled one by one, so the gaps are filled apart; the runs hold nothing to fill.
    const values = lineValues(view);
    const out: string[] = [];
    const pieces: string[] = [];
    const gates: GateSegment[] = [];
    for (let k = 0; k < gaps.length; k++) {
      const filled = fillSegments(gaps[k]!, view, set, values, pieces, gates);
      if (filled === undefined) return undefined;
      for (const segment of filled) out.push(segment);
      if (k < runs.length)
        for (const segment of runs[k]!) {
          out.push(segment);
          pieces.push(segment);
          gates.push(segment);
        }
    }
    return { segments: out, pieces, gates };
  };

  const fill = async (set: SetClass, view: DigestView): Promise<FilledVariant | undefined> => {
    const source = set.source!;
    const sections = source.sections(view.sections);
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

/**
 * The class a view belongs to: its language, the lengths of its lists, and which of its lines are
 * empty. Undefined when a line holds white space the minifier would change (its token would not).
 */
export function classKey(view: DigestView): string | undefined {
  let key = `${view.language}\u0000${view.sections.length}\u0000${view.contents.sections.length}\u0000${view.isEditorEdition}\u0000${view.contents.showHeadings}`;
  for (const path of LINES) {
    const value = lineOf(view, path);
    if (value === undefined || value === '') key += value === undefined ? 'u' : 'e';
    else if (typeof value !== 'string' || !steady(value)) return undefined;
    else key += 's';
  }
  return key;
}

/**
 * A segment holding only lines, as pieces: its text around the lines (the class's own strings,
 * shared by every variant of it) and the line values apart. A line in a long segment (the
 * preheader and the padding after it, the header) then costs a role set its own few bytes, not a
 * copy of the segment, in memory and in the encoded pieces of its message.
 */
function pushCut(pieces: string[], parts: readonly (string | undefined)[], values: readonly string[]): void {
  if (parts[0]) pieces.push(parts[0]);
  for (let i = 1; i < parts.length; i += 3) {
    const value = values[Number(parts[i])]!;
    if (value) pieces.push(value);
    if (parts[i + 2]) pieces.push(parts[i + 2]!);
  }
}

/** The variant's lines as its HTML shows them, in the order of `LINES`. */
function lineValues(view: DigestView): string[] {
  return LINES.map((path) => {
    const value = lineOf(view, path);
    return typeof value === 'string' ? Handlebars.Utils.escapeExpression(value) : '';
  });
}

/** A run of a minified segment between list blocks: at most one space at either end. */
function literalPiece(text: string): Piece {
  return { html: trimSpace(text), spaceBefore: text.startsWith(' '), spaceAfter: text.endsWith(' ') };
}

/**
 * Minified pieces joined as minifying their raw join would: white space between two pieces goes
 * when a block-level tag is next to it; undefined when it would stay (one space).
 */
export function joinMinified(pieces: readonly Piece[]): string[] | undefined {
  const out: string[] = [];
  let previous: string | undefined;
  let space = false;
  for (const piece of pieces) {
    space ||= piece.spaceBefore;
    if (piece.html === '') {
      space ||= piece.spaceAfter;
      continue;
    }
    if (previous !== undefined && space && !(blockEdge(previous, 'end') || blockEdge(piece.html, 'start'))) {
      return undefined;
    }
    out.push(piece.html);
    previous = piece.html;
    space = piece.spaceAfter;
  }
  return out;
}

function lineOf(view: DigestView, path: (typeof LINES)[number]): unknown {
  return path.length === 1 ? view[path[0]] : (view[path[0]] as unknown as Record<string, unknown>)[path[1]];
}

/**
 * An object that answers only `answers` and reports every other use (a property read, `in`, a
 * listing of its keys) through `onUse`.
 */
function watched(onUse: () => void, answers: Record<string | symbol, unknown> = {}): object {
  return new Proxy(Object.create(null) as object, {
    get(_, property) {
      if (Object.hasOwn(answers, property)) return answers[property];
      onUse();
      return undefined;
    },
    has() {
      onUse();
      return false;
    },
    ownKeys() {
      onUse();
      return [];
    },
    getOwnPropertyDescriptor() {
      onUse();
      return undefined;
    },
  });
}

/**
 * No leading, trailing or repeated space, and no other white space the minifier would change (a
 * no-break space is text to it, see minify.ts).
 */
function steady(value: string): boolean {
  return !(value.startsWith(' ') || value.endsWith(' ') || value.includes('  ') || hasOtherSpace(value));
}

/** True when the two views agree on every field that is not a variant's own. */
function sameLanguageFields(a: DigestView, b: DigestView): boolean {
  for (const key of Object.keys(a) as (keyof DigestView)[]) {
    if (OWN.has(key)) continue;
    if (!deepEqual(a[key], b[key])) return false;
  }
  for (const key of Object.keys(a.issue) as (keyof DigestView['issue'])[]) {
    if (!OWN_ISSUE.has(key) && a.issue[key] !== b.issue[key]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  return (
    a.length === b.length && a.every((list, i) => list.length === b[i]!.length && list.every((x, j) => x === b[i]![j]))
  );
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** What the link and image gates read (see gates.ts): a line must stay clear of both. */
const LINK_OR_IMAGE = new RegExp(`${LINK_ATTRIBUTE.source}|${IMAGE_TAG.source}`, 'gi');

/**
 * Whether a class segment's lines (escaped text: no `<`, `>`, `=` or quotes) can change none of
 * its link or image gates: no link or image tag of the segment as tokens reaches a token, and no
 * `=` follows a token with only letters between, where a line could end in an attribute's name.
 * The segment's link and image gates are then the same for every variant of the class.
 */
function linesInText(
  segment: string,
  parts: readonly (string | undefined)[],
  tokenLength: (line: number) => number,
): boolean {
  const spans: [number, number][] = [];
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length; i += 3) {
    if (parts[i] === undefined) return false;
    const end = at + tokenLength(Number(parts[i]));
    spans.push([at, end]);
    const after = parts[i + 2]!;
    if (/^[A-Za-z]*\s*=/.test(after)) return false;
    at = end + after.length;
  }
  for (const match of segment.matchAll(LINK_OR_IMAGE)) {
    const from = match.index;
    const to = from + match[0].length;
    // Touching counts: a line right after an unquoted value would be read as part of it.
    if (spans.some(([start, end]) => from <= end && to >= start)) return false;
  }
  return true;
}
