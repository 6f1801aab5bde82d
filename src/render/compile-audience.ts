import { buildVariant, effectiveRoleOrder, type Variant } from '../group/index.js';
import { languageOf } from '../i18n/index.js';
import type { Project } from '../load/project.js';
import { createRenderer } from './renderer.js';
import type { RendererOptions } from './renderer-options.js';
import type { CompiledVariant } from './types.js';
import { listLanguage } from './view.js';

/** Compiles the editor edition and every given variant; keyed by variant id. */
export async function compileAudience(
  project: Project,
  variants: Variant[],
  options: RendererOptions = {},
): Promise<Map<string, CompiledVariant>> {
  const listLang = listLanguage(project.config);
  // Each reader's language is compiled once per variant; readers of other languages get the list's.
  const languages = [...new Set((project.subscribers ?? []).map((s) => languageOf(s.locale, listLang)))];
  const renderer = await createRenderer(project, { languages, ...options });
  const { summaries, manifest } = project.issue;
  const editor = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder ?? []), undefined);
  const compiled = new Map<string, CompiledVariant>();
  for (const variant of [editor, ...variants]) {
    if (!compiled.has(variant.id)) compiled.set(variant.id, await renderer.compile(variant));
  }
  return compiled;
}
