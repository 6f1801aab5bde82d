import { readFile, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { append } from '../append.js';
import type { Problem } from '../errors.js';
import { roleSlug } from '../group/index.js';
import {
  type IssueManifest,
  IssueManifestSchema,
  SUBJECT_VALUES,
  subjectTemplateProblem,
  unknownSubjectNames,
} from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import { pickedStory } from '../pool/picked-record.js';
import { indexPool, isPoolRef, type PoolIndex, poolIdIn, resolvePoolRef } from '../pool/refs.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { closestWord } from '../suggest.js';
import { displayPath } from './_display.js';
import { JsonSyntaxError, parseJsonWithLines } from './_json-lines.js';
import { unknownKeyWarnings } from './_unknown-keys.js';
import { zodProblems } from './_validate.js';
import { MANIFEST_FILE } from './issue-file.js';
import { byteLength, fileSize, jsonTooDeepAt, LIMITS, tooDeep, tooLarge } from './limits.js';
import { storyTwins, twinReason } from './same-story.js';
import { loadSummaryFile, summaryIdFromFile } from './summary.js';

export interface LoadedIssue {
  /** The issue folder's name, e.g. `2026-W48`. */
  id: string;
  dir: string;
  manifest: IssueManifest;
  /** Selected summaries in reading order. */
  summaries: Summary[];
  /** Source file of each summary id, for messages and live reload. */
  files: Map<string, string>;
}

export interface IssueLoadResult {
  issue: LoadedIssue | undefined;
  problems: Problem[];
}

export { MANIFEST_FILE };

/**
 * A pool entry gone from the pool that `new` picked for this issue: the closest id is another story,
 * so the hint names the one picked and where a renamed copy shows, not a look-alike id.
 */
async function pickedSince(
  found: { message: string; hint: string },
  entry: string,
  index: PoolIndex,
  issueDir: string,
): Promise<{ message: string; hint: string }> {
  const id = poolIdIn(entry);
  const picked = index.exists && !index.byId.has(id) ? await pickedStory(issueDir, id) : undefined;
  if (!picked) return found;
  return {
    message: `${found.message}: rolecast new picked it for this issue ("${picked.title}"), and its file was renamed or deleted since`,
    hint: `put the file back, or name the file it was renamed to (\`rolecast pool\` shows it used by ${basename(issueDir)} "(as ${id})"); to leave the story out, take the line out`,
  };
}

/** What `new` keeps beside an issue of the pool summaries it picked (see pool/picked-record.ts). */
export const PICKED_FILE = 'picked.json';

/** The words of the loader's warning about a summary marked draft; `isDraftSummaryWarning` finds it. */
const DRAFT_SUMMARY = 'is marked draft';

/**
 * The loader's warning about a summary marked draft, so a command that refuses drafts outright
 * (the archive) reports each draft once, as its own error, not twice.
 */
export function isDraftSummaryWarning(problem: Problem): boolean {
  return (
    problem.severity === 'warning' &&
    problem.message.startsWith('summary "') &&
    problem.message.includes(`" ${DRAFT_SUMMARY} (`)
  );
}

export interface IssueLoadOptions {
  /** The content pool folder, for entries written `pool:<id>`. */
  poolDir?: string | undefined;
  /** The manifest's text in place of the file's: `new` measures an issue before it writes it. */
  manifestText?: string | undefined;
}

export async function loadIssue(
  dir: string,
  taxonomy: RoleTaxonomy,
  options: IssueLoadOptions = {},
): Promise<IssueLoadResult> {
  const issueDir = resolve(dir);
  const manifestFile = join(issueDir, MANIFEST_FILE);
  const shown = displayPath(manifestFile);
  const size = options.manifestText === undefined ? await fileSize(manifestFile) : undefined;
  if (size !== undefined && size > LIMITS.smallFileBytes)
    return { issue: undefined, problems: [tooLarge(shown, size, LIMITS.smallFileBytes)] };
  let text: string;
  try {
    text = options.manifestText ?? (await readFile(manifestFile, 'utf8'));
  } catch {
    return {
      issue: undefined,
      problems: [
        {
          severity: 'error',
          file: shown,
          field: 'file',
          message: 'not found',
          hint: `an issue folder needs an ${MANIFEST_FILE}; check the folder name or create one (see README)`,
        },
      ],
    };
  }

  const length = byteLength(text);
  if (length > LIMITS.smallFileBytes)
    return { issue: undefined, problems: [tooLarge(shown, length, LIMITS.smallFileBytes)] };
  const deepAt = jsonTooDeepAt(text);
  if (deepAt !== undefined) return { issue: undefined, problems: [tooDeep(shown, deepAt, 'json')] };
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return {
      issue: undefined,
      problems: [
        {
          severity: 'error',
          file: shown,
          line: error.line,
          field: 'json',
          message: `invalid JSON: ${error.message}`,
          hint: 'fix the JSON syntax',
        },
      ],
    };
  }
  const result = IssueManifestSchema.safeParse(parsed.value, { reportInput: true });
  if (!result.success) {
    // With the misspelt keys: "summary" for "summaries" is often why a field is missing.
    const problems = zodProblems(result.error, shown, parsed.lineOf);
    return {
      issue: undefined,
      problems: [...problems, ...unknownKeyWarnings(parsed.value, IssueManifestSchema, shown, parsed.lineOf)],
    };
  }
  const manifest = result.data;

  // A misspelt key ("editorsNote", "role_order") would otherwise vanish without a word.
  const problems: Problem[] = unknownKeyWarnings(parsed.value, IssueManifestSchema, shown, parsed.lineOf);
  const subjects: [(string | number)[], string][] = [[['subject'], manifest.subject]];
  for (const [key, override] of Object.entries(manifest.overrides ?? {}))
    if (override.subject) subjects.push([['overrides', key, 'subject'], override.subject]);
  for (const [path, subject] of subjects) {
    // Found here, without loading Handlebars, rather than at render time, where the error names no
    // file, line or override.
    const broken = subjectTemplateProblem(subject);
    if (broken) {
      problems.push({
        severity: 'error',
        file: shown,
        line: parsed.lineOf(path),
        field: path.join('.'),
        message: `is not a valid template: ${broken}`,
        hint: 'close each {{#if …}} with {{/if}} and each {{#each …}} with {{/each}}, and write values as {{lead}}',
      });
      continue;
    }
    for (const name of unknownSubjectNames(subject)) {
      const closest = closestWord(name, SUBJECT_VALUES);
      problems.push({
        severity: 'error',
        file: shown,
        line: parsed.lineOf(path),
        field: path.join('.'),
        message: `reads {{${name}}}, which is no subject value and would be written as nothing`,
        hint: `${closest ? `did you mean {{${closest}}}? ` : ''}the values are ${SUBJECT_VALUES.map((v) => `{{${v}}}`).join(', ')}`,
      });
    }
  }
  // The pool is listed once, and only when an entry may need it. Without a config, it is the
  // default `summaries/` beside the `issues/` folder.
  let pool: Promise<PoolIndex> | undefined;
  // issues/<id>/ sits two levels below the project folder.
  const projectDir = resolve(issueDir, '..', '..');
  const poolIndex = () => {
    pool ??= indexPool(resolve(options.poolDir ?? join(issueDir, '..', '..', 'summaries')));
    return pool;
  };
  // Files are read at once but parsed one at a time, in the manifest's order: an unknown role takes
  // the spelling of the first summary naming it, which must not depend on which file was read first.
  const parsedBefore = manifest.summaries.map(() => deferred());
  const turn = (index: number) => (index === 0 ? Promise.resolve() : parsedBefore[index - 1]!.promise);
  const loaded = await Promise.all(
    manifest.summaries
      .map(async (entry, index) => {
        const at = { file: shown, line: parsed.lineOf(['summaries', index]), field: `summaries[${index}]` };
        let file = resolve(issueDir, entry);
        // The issue and the archive publish what they read: nothing from outside the project.
        const outside = (message: string, hint: string) => ({
          file,
          summary: undefined,
          problems: [{ severity: 'error' as const, ...at, message, hint }],
        });
        if (!isPoolRef(entry) && !(await insideProject(file, projectDir)))
          return outside(
            `names "${entry}", which is outside the project folder ${displayPath(projectDir)}`,
            'keep summaries inside the project (beside the issue, or in the content pool as pool:<id>)',
          );
        if (isPoolRef(entry)) {
          const index = await poolIndex();
          const found = resolvePoolRef(entry, index, displayPath(index.dir));
          if ('message' in found)
            return {
              file,
              summary: undefined,
              problems: [{ severity: 'error' as const, ...at, ...(await pickedSince(found, entry, index, issueDir)) }],
            };
          file = found.file;
          // A symlink in the pool may lead anywhere: it must stay in the project or the pool folder.
          if (!(await insideProject(file, projectDir)) && !(await insideProject(file, index.dir)))
            return outside(
              `names "${entry}", whose file leads outside the project folder ${displayPath(projectDir)}`,
              'keep pool summaries inside the project or the pool folder',
            );
        }
        const outcome = await loadSummaryFile(file, taxonomy, displayPath(file), () => turn(index));
        // An unreadable file is the manifest's problem: point at the manifest line that names it.
        if (outcome.unreadable === 'folder' || outcome.unreadable === 'denied') {
          const why =
            outcome.unreadable === 'folder'
              ? { message: `names "${entry}", a folder`, hint: 'name a summary file in it' }
              : {
                  message: `names "${entry}", which cannot be read (permission denied)`,
                  hint: `let the user running rolecast read ${displayPath(file)}`,
                };
          return { file, summary: undefined, problems: [{ severity: 'error' as const, ...at, ...why }] };
        }
        if (outcome.unreadable === 'missing') {
          const inPool = !isPoolRef(entry) && (await poolIndex()).byId.has(summaryIdFromFile(entry));
          return {
            file,
            summary: undefined,
            problems: [
              {
                severity: 'error' as const,
                file: shown,
                line: parsed.lineOf(['summaries', index]),
                field: `summaries[${index}]`,
                message: `names "${entry}", which does not exist`,
                hint: inPool
                  ? `did you mean "pool:${summaryIdFromFile(entry)}"? (pool summaries are named pool:<id>)`
                  : `create ${displayPath(file)} or fix the path (paths are relative to the issue folder)`,
              },
            ],
          };
        }
        return { file, ...outcome };
      })
      .map((loading, index) => loading.finally(() => parsedBefore[index]!.resolve())),
  );

  const summaries: Summary[] = [];
  const files = new Map<string, string>();
  const sameStory = storyTwins();
  loaded.forEach(({ file, summary, problems: found }, index) => {
    append(problems, found);
    if (!summary) return;
    const previous = files.get(summary.id);
    if (previous) {
      problems.push({
        severity: 'error',
        file: shown,
        line: parsed.lineOf(['summaries', index]),
        field: `summaries[${index}]`,
        message: `summary id "${summary.id}" is used twice (also ${displayPath(previous)})`,
        hint: 'list each summary once, or rename one of the files',
      });
      return;
    }
    files.set(summary.id, file);
    summaries.push(summary);
    const twin = sameStory.find(summary);
    if (twin)
      problems.push({
        severity: 'warning',
        file: shown,
        line: parsed.lineOf(['summaries', index]),
        field: `summaries[${index}]`,
        message: `summary "${summary.id}" (${displayPath(file)}) ${twinReason(twin)} "${twin.id}": a reader of both would get the story twice`,
        hint: `take one of them out of the issue (a pool entry copied into the issue folder is the usual cause); if each is written for other readers, give each only its own roles`,
      });
    if (summary.status === 'draft')
      problems.push({
        severity: 'warning',
        file: shown,
        line: parsed.lineOf(['summaries', index]),
        field: `summaries[${index}]`,
        message: `summary "${summary.id}" ${DRAFT_SUMMARY} (${displayPath(file)}): a send refuses the issue until it is ready`,
        hint: 'set "status: ready" in it when it is done, or take it out of the issue',
      });
  });

  /** A role list of issue.json, normalised; `check` may find fault with an entry the taxonomy knows. */
  type Fault = { message: string; hint: string } | undefined;
  const roleList = (key: 'roleOrder' | 'quietRoles', check: (role: string, known: string) => Fault = () => undefined) =>
    (manifest[key] ?? []).map((role, index) => {
      const known = taxonomy.lookup(role);
      const closest = known === undefined ? taxonomy.closest(role) : undefined;
      const fault: Fault =
        known === undefined
          ? {
              message: `unknown role "${role}"`,
              hint: closest ? `did you mean ${closest}?` : 'add it to the role taxonomy',
            }
          : check(role, known);
      if (fault)
        problems.push({
          severity: 'warning',
          file: shown,
          line: parsed.lineOf([key, index]),
          field: `${key}[${index}]`,
          ...fault,
        });
      return taxonomy.normalise(role);
    });
  const roleOrder = roleList('roleOrder');
  const covered = new Set(summaries.flatMap((summary) => summary.roles));
  const quietRoles = roleList('quietRoles', (role, known) =>
    covered.has(known)
      ? {
          message: `"${role}" is listed as having nothing this week, but summaries of this issue name it`,
          hint: 'take it out of "quietRoles"',
        }
      : undefined,
  );

  const overrides =
    manifest.overrides &&
    checkedOverrides(manifest.overrides, taxonomy, summaries, (key, hint) =>
      problems.push({
        severity: 'warning',
        file: shown,
        line: parsed.lineOf(['overrides', key]),
        field: `overrides.${key}`,
        message: 'matches no role and no variant id of this issue, and is ignored',
        hint,
      }),
    );
  return {
    issue: {
      id: basename(issueDir),
      dir: issueDir,
      manifest: { ...manifest, roleOrder, quietRoles, ...(overrides ? { overrides } : {}) },
      summaries,
      files,
    },
    problems,
  };
}

/**
 * Whether a summary file (symlinks followed) lies inside the project folder. A file that does not
 * exist yet counts as inside: the manifest's own "does not exist" error names it then.
 */
export async function insideProject(file: string, projectDir: string): Promise<boolean> {
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(file), realpath(projectDir)]);
  } catch {
    return below(projectDir, file);
  }
  return real !== root && below(root, real);
}

/** Whether `path` lies at or below `dir` (both resolved). */
function below(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The overrides with role keys written as the taxonomy names them (an alias or another case
 * matches its role, as everywhere else), and a warning for a key that names no role and no variant
 * id: a typo would otherwise leave every variant without the override, without a word.
 */
function checkedOverrides(
  overrides: NonNullable<IssueManifest['overrides']>,
  taxonomy: RoleTaxonomy,
  summaries: readonly Summary[],
  warn: (key: string, hint: string) => void,
): NonNullable<IssueManifest['overrides']> {
  const roles = new Set(taxonomy.roles.map((role) => role.name));
  for (const summary of summaries) for (const role of summary.roles) roles.add(taxonomy.normalise(role));
  const slugs = new Set([...roles].map(roleSlug));
  const out: NonNullable<IssueManifest['overrides']> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const role = taxonomy.lookup(key) ?? (roles.has(taxonomy.normalise(key)) ? taxonomy.normalise(key) : undefined);
    if (role !== undefined) {
      out[role] ??= value;
      continue;
    }
    // A variant id: role slugs joined by "+", or such an id with a hash (`rolecast build` names them).
    const variantLike =
      key.split('+').every((part) => slugs.has(part)) || /-[0-9a-f]{8}$/.test(key) || key === 'editor';
    if (!variantLike) {
      const closest = taxonomy.closest(key);
      warn(
        key,
        closest ? `did you mean ${closest}?` : 'use a role name or a variant id as `rolecast build` lists them',
      );
    }
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
