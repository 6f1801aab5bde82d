import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { closestWord } from '../suggest.js';
import { formatPath } from './_validate.js';

/** Nesting followed when looking for unknown keys; config and taxonomy files are shallow. */
const MAX_DEPTH = 4;
/** One warning per unknown key path is plenty; a file of thousands of stray keys gets this many. */
const MAX_WARNINGS = 50;

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
};

/**
 * Keys a zod object schema does not know, in `value`: zod drops them silently, so a misspelt
 * `sendr` or a stray `__proto__` would vanish. Each is a warning named by its path, with the key
 * probably meant. Only own keys are read, so odd names are looked at as names, never as prototypes.
 */
export function unknownKeyWarnings(
  value: unknown,
  schema: z.ZodType,
  file: string,
  lineOf: (path: readonly (string | number)[]) => number | undefined = () => undefined,
): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, type: z.ZodType, path: (string | number)[], depth: number) => {
    if (depth > MAX_DEPTH || problems.length >= MAX_WARNINGS || node === null || typeof node !== 'object') return;
    const def = unwrap(type);
    if (def.type === 'array' && def.element && Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) visit(node[index], def.element, [...path, index], depth + 1);
      return;
    }
    if (def.type !== 'object' || !def.shape || Array.isArray(node)) return;
    const known = Object.keys(def.shape);
    for (const key of Object.keys(node)) {
      if (problems.length >= MAX_WARNINGS) return;
      if (Object.hasOwn(def.shape, key)) {
        visit((node as Record<string, unknown>)[key], def.shape[key]!, [...path, key], depth + 1);
        continue;
      }
      if (key === '$schema') continue;
      const meant = closestWord(key, known);
      const line = lineOf([...path, key]);
      problems.push({
        severity: 'warning',
        file,
        ...(line === undefined ? {} : { line }),
        field: formatPath([...path, key]),
        message: 'is not a known field and is ignored',
        hint: meant ? `did you mean "${meant}"?` : `use one of: ${known.join(', ')}`,
      });
    }
  };
  visit(value, schema, [], 0);
  return problems;
}

/** Looks through optional, default, nullable and pipe wrappers to the schema that holds the shape. */
function unwrap(type: z.ZodType): Def {
  let def = (type as unknown as { _zod: { def: Def } })._zod.def;
  for (let hops = 0; hops < 8; hops++) {
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) break;
    def = (inner as unknown as { _zod: { def: Def } })._zod.def;
  }
  return def;
}
