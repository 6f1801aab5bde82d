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
    // A check's own hint says how to fix what it found; a field's hint, what the field is for, which
    // for a value of the wrong type ("add …") would mislead: that gets the type it needs.
    const wrongType = issue.code === 'invalid_type' && !isMissing(issue);
    const fieldHint = wrongType ? undefined : hintFor(String(issue.path[issue.path.length - 1] ?? ''));
    const hint = ownHint(issue) ?? fieldHint ?? defaultHint(issue);
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
  if (issue.code === 'invalid_type') {
    // `"takeaway": null` or a bare `title:` in YAML: the field is there, its value is not.
    if (isMissing(issue)) return receivedType(issue) === 'null' ? 'is empty' : 'is required';
    const received = receivedType(issue);
    // "must be a whole number, not a number" would say nothing: 2.5 is the wrong kind of number.
    const not = received && !(issue.expected === 'int' && received === 'number') ? `, not ${typeName(received)}` : '';
    return `must be ${typeName(issue.expected)}${not}`;
  }
  if (issue.code === 'unrecognized_keys') return `has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function ownHint(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === 'custom' && typeof issue.params?.hint === 'string' ? issue.params.hint : undefined;
}

function defaultHint(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type' && isMissing(issue))
    return receivedType(issue) === 'null' ? `write ${typeName(issue.expected)} for it` : 'add this field';
  if (issue.code === 'invalid_type') return `write it as ${typeName(issue.expected)}`;
  if (issue.code === 'invalid_value') return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return undefined;
}

/**
 * A field left out (or left empty: `title:` in YAML is null), rather than one of the wrong type.
 * Issues carry the value when parsed with `reportInput`; otherwise zod's own message names what
 * it received.
 */
function isMissing(issue: z.core.$ZodIssue): boolean {
  const received = receivedType(issue);
  return received === 'undefined' || received === 'null';
}

function receivedType(issue: z.core.$ZodIssue): string | undefined {
  if ('input' in issue)
    return issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input;
  return /received (\w+)$/.exec(issue.message)?.[1];
}

/** Types as an editor would name them. */
const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function typeName(type: string): string {
  return Object.hasOwn(TYPE_NAMES, type) ? TYPE_NAMES[type]! : type;
}
