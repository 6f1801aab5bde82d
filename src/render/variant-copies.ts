import type { Problem } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Language } from '../i18n/index.js';
import type { Project } from '../load/project.js';
import { type EncodedSizes, encodedSizesIn, mayReachFromCounts, sizeCounts } from './encoded-size.js';
import type { createTextLineFiller, SentToFiller } from './fill.js';
import { cardCount } from './headline-cut.js';
import { languageCopies } from './language-copies.js';
import type { LanguageRender, languageHtml } from './language-render.js';
import { personalRoom, withRoom } from './personal-room.js';
import { quietRoleSets } from './quiet-room.js';
import type { createSampleMeasures } from './sample-measures.js';
import { largestCopyProblems, sampleFromWhole } from './size-gate.js';
import { templateColourProblems } from './template-contrast.js';
import type { CompiledVariant } from './types.js';
import type { DigestView } from './view.js';
import { viewProblems } from './view-gates.js';

/** What `createRenderer` hands on for a variant's copies: its languages, fillers and measures. */
export interface VariantCopiesSetup {
  project: Project;
  languages: readonly Language[];
  listLang: Language;
  issueFile: string;
  renderLanguage: (
    variant: Variant,
    language: Language,
    full: number | undefined,
  ) => Promise<{ view: DigestView; rendered: LanguageRender }>;
  fillers: SentToFiller;
  fillLine: ReturnType<typeof createTextLineFiller>;
  html: ReturnType<typeof languageHtml>;
  measures: ReturnType<typeof createSampleMeasures>;
}

/**
 * A variant compiled in each language, with the gates run on a sample reader's message: `full`
 * cards in full and the rest by headline, or every card in full when undefined.
 */
export function variantCopies(setup: VariantCopiesSetup) {
  const { project, languages, listLang, issueFile, renderLanguage, fillers, fillLine, html, measures } = setup;
  const { config, issue } = project;
  const { sampleReader, roleNames, longestOf, fieldUses, sampleFromPieces, frameOf } = measures;
  let templateColoursRead = false;
  return {
    async compile(variant: Variant, full: number | undefined) {
      const byLanguage = new Map<Language, LanguageRender>();
      let listView: DigestView | undefined;
      for (const language of languages) {
        const { view, rendered } = await renderLanguage(variant, language, full);
        listView ??= view;
        byLanguage.set(language, rendered);
      }
      const own = byLanguage.get(listLang)!;

      const { personalise, personaliseIn, template } = languageCopies(byLanguage, variant, {
        listLang,
        fillers,
        fillLine,
        html,
      });

      // Gates run on a sample reader's message, with links as long as real signed ones.
      const where = { file: issueFile, variantId: variant.id };
      const sampleValues = fillers(sampleReader, own.language, variant);
      const sample = own.segments
        ? sampleFromPieces(own, sampleValues, variant.id)
        : sampleFromWhole(personalise(sampleReader), where);
      // Each language its readers read is measured: German labels are longer than English ones.
      // With room for the longest name and address of a reader (see personal-room.ts, list-room.ts).
      const quietSets = quietRoleSets(variant, roleNames);
      const measured = [...byLanguage.values()].map((rendered) => {
        const values = rendered === own ? sampleValues : fillers(sampleReader, rendered.language, variant);
        const gates =
          rendered === own ? sample : rendered.segments ? sampleFromPieces(rendered, values, variant.id) : undefined;
        const counts = gates ? gates.counts : sizeCounts(personaliseIn(rendered, sampleReader).html);
        // Assembled from pieces, the gates counted the fields as they looked the pieces up.
        const room = personalRoom(
          gates?.uses ?? fieldUses(rendered),
          values,
          longestOf(rendered.language, variant, quietSets),
        );
        return { rendered, room, mayReach: mayReachFromCounts(withRoom(counts, room), config) };
      });
      for (const rendered of byLanguage.values()) {
        rendered.segments = undefined;
        rendered.gates = undefined;
      }
      const frameBytes = await frameOf(own.subject, sample.htmlBytes > 0, sample.textBytes > 0);
      // Counting the encoding exactly costs more than the rest of a variant: done when the size
      // gate cannot tell without it, or when someone reads the encoded sizes.
      let sizes: EncodedSizes | undefined;
      const exact = () => {
        sizes ??= encodedSizesIn(frameBytes, personalise(sampleReader));
        return sizes;
      };
      const copies = measured.map(({ rendered, room, mayReach }) => ({
        language: rendered.language,
        mayReach,
        roomBytes: room.bytes,
        htmlBytes: () =>
          rendered === own
            ? exact().htmlBytes
            : encodedSizesIn(frameBytes, personaliseIn(rendered, sampleReader)).htmlBytes,
      }));
      const problems: Problem[] = [
        ...largestCopyProblems(copies, config, where, listLang),
        ...sample.links,
        ...viewProblems(listView!, variant, issue.summaries, where),
        ...sample.alt,
      ];
      // The colours the templates write are the same in every variant: read once, in the first.
      if (!templateColoursRead) {
        templateColoursRead = true;
        problems.push(...templateColourProblems(personalise(sampleReader).html, listView!.colours, where));
      }
      const compiled: CompiledVariant = {
        variant,
        subject: own.subject,
        htmlBytes: sample.htmlBytes,
        textBytes: sample.textBytes,
        get encodedBytes() {
          return exact().messageBytes;
        },
        get encodedHtmlBytes() {
          return exact().htmlBytes;
        },
        problems,
        personalise,
        template,
      };
      return { compiled, cards: cardCount(listView!) };
    },
  };
}
