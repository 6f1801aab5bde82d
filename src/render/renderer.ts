import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signClickVariant } from '../analytics/token.js';
import { clickBase, linkTracking, trackLinks } from '../analytics/track-links.js';
import { type Problem, RolecastError } from '../errors.js';
import type { Variant } from '../group/index.js';
import { type Language, languageOf } from '../i18n/index.js';
import { displayPath } from '../load/_display.js';
import { MANIFEST_FILE } from '../load/issue.js';
import type { Project } from '../load/project.js';
import { createFieldTokens, escapeHtml, type FieldValues, joinChunks, joinParts } from './_personal.js';
import { createWeekLineCache } from './dates.js';
import { type EncodedSizes, encodedSizesIn, mayReachFromCounts, sizeCounts } from './encoded-size.js';
import { createTextLineFiller, fieldFiller } from './fill.js';
import {
  cardCount,
  cutToHeadlines,
  fitByHeadlines,
  templatesListHeadlines,
  withHeadlinesHint,
} from './headline-cut.js';
import { type LanguageRender, languageHtml } from './language-render.js';
import { listLongestReaders, roomReaders } from './list-room.js';
import { minifyHtml } from './minify.js';
import { compileMjml, mapMjmlErrors, mjmlOptions } from './mjml.js';
import { cachedMjml } from './mjml-cache.js';
import { longestReader, longestRoom, personalRoom, roomFieldUses, withRoom } from './personal-room.js';
import { createPieceGates } from './piece-gates.js';
import { createPieceCompiler, type PieceResult } from './pieces.js';
import { createPlainText } from './plain-text.js';
import { longestRoleHolders, quietRoleSets } from './quiet-room.js';
import type { Renderer, RendererOptions } from './renderer-options.js';
import { sampleFields } from './sample-reader.js';
import { segmentSplitter } from './segment-split.js';
import { createSetFrames } from './set-frames.js';
import { frameSizes, largestCopyProblems, type SampleGates, sampleFromWhole } from './size-gate.js';
import { isOverSizeLimit } from './size-problems.js';
import { createSplicedTemplates } from './splice.js';
import { renderSubject } from './subject-template.js';
import { templateColourProblems } from './template-contrast.js';
import { loadTemplates } from './templates.js';
import { fillText, textSizer } from './text-template.js';
import type { CompiledVariant, PersonalFields, VariantTemplate } from './types.js';
import { buildView, createSharedViews, type DigestView, listLanguage, localeFor } from './view.js';
import { viewProblems } from './view-gates.js';
import { wrapLine } from './wrap.js';

const SIZE_ESTIMATE_KEY = 'size-estimate-only';

/**
 * Loads the templates once; each `compile` then runs Handlebars and MJML once per language for one
 * audience variant, so every message is in one language, from greeting to footer.
 */
export async function createRenderer(project: Project, options: RendererOptions = {}): Promise<Renderer> {
  const { config, taxonomy, issue } = project;
  const templates = await loadTemplates(config.templatesDir);
  const minify = options.minify ?? true;
  const listLang = listLanguage(config);
  const languages = [...new Set([listLang, ...(options.languages ?? [])])];
  const dateLine = createWeekLineCache(issue.manifest.date);
  const fillLine = createTextLineFiller((line) => wrapLine(line));
  const issueFile = displayPath(join(issue.dir, MANIFEST_FILE));
  // Each render's own nonces: no content can spell a token (see _personal.ts).
  const nonces = { tokens: randomHex(8), pieces: randomHex(6), sections: randomHex(6), lines: randomHex(6) };
  const tokens = createFieldTokens(nonces.tokens);
  const tracking = linkTracking(config, options.clickSecret, tokens.sentinel);
  // A role set too few readers hold keeps its clicks unnamed (see tracking.minVariantReaders).
  const clickVariant =
    tracking &&
    ((variant: Variant) =>
      (variant.clickTagged ?? (variant.readers ?? Number.POSITIVE_INFINITY) >= config.tracking.minVariantReaders)
        ? signClickVariant(issue.id, variant.id, tracking.secret)
        : '');
  const fillers = fieldFiller(config, issue.id, dateLine, clickVariant);
  // A broken subject template is reported before any variant is compiled.
  renderSubject(issue.manifest.subject, {});
  const runMjml = options.compileMjml ?? compileMjml;
  const compileOnce = (source: string) => runMjml(source, templates);
  const cacheSecret = options.cacheSecret ?? options.clickSecret;
  const defaultCache =
    options.compileMjml || (cacheSecret === undefined && !options.unsealedCache)
      ? undefined
      : join(config.stateDirAbs, 'cache', 'mjml');
  const cacheDir = options.mjmlCache ?? defaultCache;
  const wholeCompile = cacheDir
    ? cachedMjml(compileOnce, {
        dir: cacheDir,
        nonces: Object.values(nonces),
        context: JSON.stringify(mjmlOptions(templates)),
        secret: cacheSecret,
      })
    : compileOnce;
  // Pieces are minified as they are assembled; without minify every variant is compiled whole.
  const pieces = options.pieces === false || !minify ? undefined : createPieceCompiler(wholeCompile, nonces.pieces);
  const compileSource: (source: string) => Promise<PieceResult> = pieces ? pieces.compile : wholeCompile;
  // With pieces, variants share card and section views and their template output.
  const shared = pieces ? createSharedViews() : undefined;
  const spliced = pieces ? createSplicedTemplates(templates, nonces.sections) : undefined;
  const splitSegments = segmentSplitter(tokens);
  const plainText = createPlainText(templates, tokens.split, { pieces: spliced !== undefined });

  /** The ordinary compile of a view: sections apart when the templates allow, else whole. */
  const compileView = async (view: DigestView): Promise<PieceResult> => {
    const split = spliced?.html(view);
    return split && pieces ? pieces.compileSplit(split) : compileSource(templates.renderHtml(view));
  };
  // With pieces, variants that differ only in their own lines and lists are filled from one class.
  const setFrames =
    pieces && spliced
      ? createSetFrames({
          spliced,
          pieces,
          nonce: nonces.lines,
          ordinary: async (view) => {
            const result = await compileView(view);
            if (result.errors.length) return '';
            return result.segments ?? minifyHtml(result.html);
          },
        })
      : undefined;

  const renderLanguage = async (variant: Variant, language: Language, full: number | undefined) => {
    const tracked = trackLinks(
      buildView(config, taxonomy, issue, variant, tokens.sentinel, {
        language,
        cardStyle: options.cardStyle,
        summaryHref: options.summaryHref,
        shared,
      }),
      tracking,
    );
    // A cut copy is rare: compiled on its own, never filled from a role-set class.
    const view = full === undefined ? tracked : cutToHeadlines(tracked, full, localeFor(config, language));
    const filled = full === undefined ? await setFrames?.compile(view) : undefined;
    const result: PieceResult = filled ? { html: '', errors: [], segments: filled.segments } : await compileView(view);
    if (result.errors.length) {
      const problems = mapMjmlErrors(result.errors, templates, view);
      throw new RolecastError('E_TEMPLATE', `MJML rejected the templates (${problems.length} error(s))`, {
        problems,
        hint: 'fix the template lines listed above',
      });
    }
    // A filled variant's message is cut from its pieces; its gates read its gate segments.
    const pieces = filled ? filled.pieces : result.segments;
    const rendered: LanguageRender = {
      language,
      subject: view.subject,
      segments: result.segments,
      gates: filled ? filled.gates : result.segments,
      chunks: undefined,
      htmlParts: pieces ? undefined : tokens.split(minify ? minifyHtml(result.html) : result.html),
      pieces,
      text: plainText.template(view),
    };
    return { view, rendered };
  };

  const { htmlChunksOf, keptChunksOf, htmlPartsOf } = languageHtml(splitSegments);

  const sampleReader = sampleFields(config, issue.id, SIZE_ESTIMATE_KEY);
  // With the list, room for its own longest values; without, for the longest it could hold.
  const listLongest = project.subscribers?.length
    ? listLongestReaders(config, issue.id, SIZE_ESTIMATE_KEY, roomReaders(project.subscribers))
    : [];
  const longest = listLongest.length ? listLongest : [longestReader(config, issue.id, SIZE_ESTIMATE_KEY)];
  // The footer's quiet roles are the reader's own too: the list's longest role names, or the longest accepted.
  const roleNames = listLongest.length ? longestRoleHolders(project.subscribers!).names : undefined;
  const longestOf = longestRoom(longest, fillers);
  /** How many times a variant's HTML prints each field whose length is the reader's own. */
  const fieldUses = (rendered: LanguageRender) =>
    roomFieldUses(rendered.segments ? { segments: rendered.segments } : { parts: htmlPartsOf(rendered) }, tokens);
  const pieceGates = createPieceGates(tokens.split, issueFile, tokens.sentinel);
  const textBytes = textSizer();
  /** The sample reader's gates from a variant's pieces, each distinct piece checked once. */
  const sampleFromPieces = (rendered: LanguageRender, values: FieldValues, variantId: string): SampleGates => {
    const html = pieceGates(rendered.gates!, values, variantId);
    return {
      htmlBytes: html.bytes,
      uses: html.uses,
      textBytes: textBytes(rendered.text, values),
      counts: html.counts,
      links: html.links,
      alt: html.alt,
    };
  };
  const frameOf = frameSizes();

  let templateColoursRead = false;
  const cutsFit = templatesListHeadlines(templates);
  const variantCopies = {
    async compile(variant: Variant, full: number | undefined) {
      const byLanguage = new Map<Language, LanguageRender>();
      let listView: DigestView | undefined;
      for (const language of languages) {
        const { view, rendered } = await renderLanguage(variant, language, full);
        listView ??= view;
        byLanguage.set(language, rendered);
      }
      const own = byLanguage.get(listLang)!;

      const personalise = (fields: PersonalFields) =>
        personaliseIn(byLanguage.get(languageOf(fields.locale, listLang)) ?? own, fields);
      const personaliseIn = (chosen: LanguageRender, fields: PersonalFields) => {
        const values = fillers(fields, chosen.language, variant);
        return {
          subject: chosen.subject,
          html: chosen.pieces
            ? joinChunks(keptChunksOf(chosen), values, escapeHtml)
            : joinParts(htmlPartsOf(chosen), values, escapeHtml),
          text: fillText(chosen.text, values, fillLine),
        };
      };

      const templates = new Map<Language, VariantTemplate>();
      const template = (fields: PersonalFields): VariantTemplate => {
        const chosen = byLanguage.get(languageOf(fields.locale, listLang)) ?? own;
        let found = templates.get(chosen.language);
        if (!found) {
          found = {
            subject: chosen.subject,
            get html() {
              return htmlPartsOf(chosen);
            },
            get htmlChunks() {
              return htmlChunksOf(chosen);
            },
            text: chosen.text,
            values: (reader) => fillers(reader, chosen.language, variant),
            escapeHtml,
            fillTextLine: fillLine,
          };
          templates.set(chosen.language, found);
        }
        return found;
      };

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
  const fitted = async (variant: Variant): Promise<CompiledVariant> => {
    const whole = await variantCopies.compile(variant, undefined);
    if (options.headlines === false || !whole.compiled.problems.some(isOverSizeLimit)) return whole.compiled;
    if (!cutsFit) return withHeadlinesHint(whole.compiled);
    return fitByHeadlines(
      whole.compiled,
      whole.cards,
      async (full) => (await variantCopies.compile(variant, full)).compiled,
    );
  };
  // Without the signing key (a preview, a test send, `check`) links are left untracked, shorter
  // than a send's: which stories go to headlines is decided on the copy with tracked links, so
  // these show each reader the stories the send gives them in full.
  const asTracked =
    tracking === undefined && options.headlines !== false && config.tracking.clicks && clickBase(config)
      ? createRenderer(project, { ...options, clickSecret: randomHex(32), mjmlCache: false })
      : undefined;
  return {
    classes: setFrames?.stats,
    async compile(variant) {
      const own = await fitted(variant);
      if (!asTracked) return own;
      const sent = await (await asTracked).compile(variant);
      if (sent.fullCards === own.fullCards) return own;
      const cut = await variantCopies.compile(variant, sent.fullCards);
      return { ...cut.compiled, fullCards: sent.fullCards, problems: sent.problems };
    },
  };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
