import { type Problem, RolecastError } from '../errors.js';
import { type AudiencePlan, planAudience, planSingleRoleVariants, type Variant } from '../group/index.js';
import type { Project } from '../load/project.js';
import { compileAudience } from './compile-audience.js';
import type { RendererOptions } from './renderer-options.js';
import type { CompiledVariant } from './types.js';
import { unreadableTextWarnings } from './unreadable-text.js';

/** Every variant an issue needs, compiled, with who receives each and every gate problem. */
export interface RenderedAudience {
  /** Editor edition first, then the audience variants in plan order. */
  compiled: CompiledVariant[];
  /** Recipients per variant id; undefined without a subscriber list. */
  recipients: Map<string, number> | undefined;
  plan: AudiencePlan | undefined;
  problems: Problem[];
}

export interface AudienceOptions {
  /** Addresses on the suppression list are counted as skipped, as a send would skip them. */
  isSuppressed?: ((email: string) => boolean) | undefined;
}

/**
 * With subscribers: one variant per distinct role set among them. Without: one per single role,
 * so an editor can look at every section as a reader of that role would.
 */
export async function renderAudience(
  project: Project,
  options: RendererOptions & AudienceOptions = {},
): Promise<RenderedAudience> {
  const { summaries, manifest } = project.issue;
  const order = manifest.roleOrder ?? [];
  let variants: Variant[];
  let plan: AudiencePlan | undefined;
  let recipients: Map<string, number> | undefined;
  if (project.subscribers) {
    plan = planAudience(summaries, order, project.subscribers, options.isSuppressed);
    variants = plan.variants;
    recipients = new Map();
    for (const { variantId } of plan.recipients) recipients.set(variantId, (recipients.get(variantId) ?? 0) + 1);
  } else {
    variants = planSingleRoleVariants(summaries, order);
  }
  const compiled = [...(await compileAudience(project, variants, options)).values()];
  const problems = [...unreadableTextWarnings(project), ...compiled.flatMap((c) => c.problems)];
  return { compiled, recipients, plan, problems };
}

/** The render gates as problems, for `check`: template errors become problems instead of a throw. */
export async function renderProblems(project: Project, options: RendererOptions = {}): Promise<Problem[]> {
  try {
    // Its output reaches no reader (and a send checks its own render again).
    return (await renderAudience(project, { unsealedCache: true, ...options })).problems;
  } catch (error) {
    if (error instanceof RolecastError && error.problems.length) return error.problems;
    if (error instanceof RolecastError)
      return [{ severity: 'error', file: project.config.templatesDir, message: error.message }];
    throw error;
  }
}
