import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { signClickVariant } from '../analytics/token.js';
import { clickBase, linkTracking, trackLinks } from '../analytics/track-links.js';
import { RolecastError } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Language } from '../i18n/index.js';
import { displayPath } from '../load/_display.js';
import { MANIFEST_FILE } from '../load/issue.js';
import type { Project } from '../load/project.js';
import { createFieldTokens } from './_personal.js';
import { createWeekLineCache } from './dates.js';
import { createTextLineFiller, fieldFiller } from './fill.js';
import { cutToHeadlines, fitByHeadlines, templatesListHeadlines, withHeadlinesHint } from './headline-cut.js';
import { type LanguageRender, languageHtml } from './language-render.js';
import { minifyHtml } from './minify.js';
import { mapMjmlErrors } from './mjml.js';
import type { PieceResult } from './pieces.js';
import { createPlainText } from './plain-text.js';
import type { Renderer, RendererOptions } from './renderer-options.js';
import { createSampleMeasures } from './sample-measures.js';
import { segmentSplitter } from './segment-split.js';
import { isOverSizeLimit } from './size-problems.js';
import { renderSubject } from './subject-template.js';
import { loadTemplates } from './templates.js';
import type { CompiledVariant } from './types.js';
import { variantCopies } from './variant-copies.js';
import { buildView, listLanguage, localeFor } from './view.js';
import { createViewCompiler } from './view-compiler.js';
import { wrapLine } from './wrap.js';

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
  const { shared, spliced, compileView, setFrames } = createViewCompiler(templates, options, {
    stateDir: config.stateDirAbs,
    nonces,
  });
  const splitSegments = segmentSplitter(tokens);
  const plainText = createPlainText(templates, tokens.split, { pieces: spliced !== undefined });
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

  const html = languageHtml(splitSegments);
  const measures = createSampleMeasures(project, { fillers, tokens, issueFile, htmlPartsOf: html.htmlPartsOf });
  const cutsFit = templatesListHeadlines(templates);
  const copies = variantCopies({
    project,
    languages,
    listLang,
    issueFile,
    renderLanguage,
    fillers,
    fillLine,
    html,
    measures,
  });
  const fitted = async (variant: Variant): Promise<CompiledVariant> => {
    const whole = await copies.compile(variant, undefined);
    if (options.headlines === false || !whole.compiled.problems.some(isOverSizeLimit)) return whole.compiled;
    if (!cutsFit) return withHeadlinesHint(whole.compiled);
    return fitByHeadlines(whole.compiled, whole.cards, async (full) => (await copies.compile(variant, full)).compiled);
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
      const cut = await copies.compile(variant, sent.fullCards);
      return { ...cut.compiled, fullCards: sent.fullCards, problems: sent.problems };
    },
  };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
