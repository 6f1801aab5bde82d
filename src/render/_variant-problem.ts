import type { Problem } from '../errors.js';

/** The variant a gate's problem is about, and the file it was rendered from. */
export type Where = { file: string; variantId: string };

export function variantProblem(severity: Problem['severity'], where: Where, message: string, hint: string): Problem {
  return { severity, file: where.file, field: `variant ${where.variantId}`, message, hint };
}

export function warning(where: Where, message: string, hint: string): Problem {
  return variantProblem('warning', where, message, hint);
}
