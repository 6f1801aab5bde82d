import type { Problem } from '../errors.js';
import type { Project } from '../load/project.js';

/**
 * Quality gates that need a render (size, links, MJML errors). Filled in by the render stage;
 * `check` and `build` both call this so the gates are enforced in one place.
 */
export async function runQualityGates(_project: Project): Promise<Problem[]> {
  return [];
}
