import type { Problem } from '../errors.js';
import type { Project } from '../load/project.js';
import { renderProblems } from '../render/index.js';

/**
 * Quality gates that need a render (size, links, MJML errors). `check` and `build` both rely on
 * the render stage's gates, so they are enforced in one place.
 */
export async function runQualityGates(project: Project): Promise<Problem[]> {
  return renderProblems(project);
}
