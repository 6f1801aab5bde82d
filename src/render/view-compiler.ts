import { join } from 'node:path';
import { minifyHtml } from './minify.js';
import { compileMjml, mjmlOptions } from './mjml.js';
import { cachedMjml } from './mjml-cache.js';
import { createPieceCompiler, type PieceResult } from './pieces.js';
import type { RendererOptions } from './renderer-options.js';
import { createSetFrames } from './set-frames.js';
import { createSplicedTemplates } from './splice.js';
import type { TemplateSet } from './templates.js';
import { createSharedViews, type DigestView } from './view.js';

/** Each render's own nonces: no content can spell a token (see _personal.ts). */
export interface RenderNonces {
  tokens: string;
  pieces: string;
  sections: string;
  lines: string;
}

/**
 * How a renderer turns a view into minified HTML: MJML compiles (kept in the cache when it may be),
 * pieces, sections spliced apart and role-set classes, each where the options allow it.
 */
export function createViewCompiler(
  templates: TemplateSet,
  options: RendererOptions,
  where: { stateDir: string; nonces: RenderNonces },
) {
  const minify = options.minify ?? true;
  const runMjml = options.compileMjml ?? compileMjml;
  const compileOnce = (source: string) => runMjml(source, templates);
  const cacheSecret = options.cacheSecret ?? options.clickSecret;
  const defaultCache =
    options.compileMjml || (cacheSecret === undefined && !options.unsealedCache)
      ? undefined
      : join(where.stateDir, 'cache', 'mjml');
  const cacheDir = options.mjmlCache ?? defaultCache;
  const wholeCompile = cacheDir
    ? cachedMjml(compileOnce, {
        dir: cacheDir,
        nonces: Object.values(where.nonces),
        context: JSON.stringify(mjmlOptions(templates)),
        secret: cacheSecret,
      })
    : compileOnce;
  // Pieces are minified as they are assembled; without minify every variant is compiled whole.
  const pieces =
    options.pieces === false || !minify ? undefined : createPieceCompiler(wholeCompile, where.nonces.pieces);
  const compileSource: (source: string) => Promise<PieceResult> = pieces ? pieces.compile : wholeCompile;
  // With pieces, variants share card and section views and their template output.
  const shared = pieces ? createSharedViews() : undefined;
  const spliced = pieces ? createSplicedTemplates(templates, where.nonces.sections) : undefined;

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
          nonce: where.nonces.lines,
          ordinary: async (view) => {
            const result = await compileView(view);
            if (result.errors.length) return '';
            return result.segments ?? minifyHtml(result.html);
          },
        })
      : undefined;
  return { shared, spliced, compileView, setFrames };
}
