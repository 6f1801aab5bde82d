import { minifyHtml } from './minify.js';
import type { PieceCompiler } from './pieces.js';
import { createSectionRuns } from './section-runs.js';
import { createSetComposer } from './set-compose.js';
import { createSegmentFiller } from './set-fill.js';
import type { FilledVariant, GateSegment, SetClass, SetFrameStats, SetFrames } from './set-frame-types.js';
import { classKey, sameLanguageFields } from './set-lines.js';
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
  const filler = createSegmentFiller(tokens, lineToken);
  const { fillSegments } = filler;
  const { learn, compose } = createSetComposer(sectionRuns, filler);
  const stats: SetFrameStats = { classes: 0, filled: 0, ordinary: 0, composed: 0, sectionsWritten: 0 };

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
