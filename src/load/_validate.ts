import type { z } from 'zod';
import type { Problem } from '../errors.js';

/** Turns zod issues into problems that point at a file, a line and a field, with a fix. */
export function zodProblems(
  error: z.ZodError,
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  hintFor: (field: string) => string | undefined = () => undefined,
  pathPrefix: readonly (string | number)[] = [],
): Problem[] {
  return error.issues.map((issue) => {
    const path = [...pathPrefix, ...issue.path] as (string | number)[];
    const field = formatPath(path) || '(root)';
    const line = lineOf(path);
    const hint = hintFor(String(issue.path[issue.path.length - 1] ?? '')) ?? defaultHint(issue);
    return {
      severity: 'error' as const,
      file,
      ...(line === undefined ? {} : { line }),
      field,
      message: messageOf(issue),
      ...(hint ? { hint } : {}),
    };
  });
}

/** `[3].roles[0]`, `sender.email` */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'is required';
  if (issue.code === 'unrecognized_keys') return `has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function defaultHint(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'custom' && typeof issue.params?.hint === 'string') return issue.params.hint;
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'add this field';
  if (issue.code === 'invalid_type') return `write it as a ${issue.expected}`;
  if (issue.code === 'invalid_value') return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return undefined;
}
