import { basename, join, resolve } from 'node:path';
import { append } from '../append.js';
import type { Problem } from '../errors.js';
import { type IssueManifest, IssueManifestSchema } from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { displayPath } from './_display.js';
import { loadEntries } from './_issue-entries.js';
import { readManifest, subjectProblems } from './_issue-manifest.js';
import { checkedOverrides } from './_issue-overrides.js';
import { unknownKeyWarnings } from './_unknown-keys.js';
import { MANIFEST_FILE } from './issue-file.js';
import { storyTwins, twinReason } from './same-story.js';

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
  const read = await readManifest(manifestFile, shown, options.manifestText);
  if (!('manifest' in read)) return { issue: undefined, problems: read.problems };
  const { manifest, parsed } = read;

  // A misspelt key ("editorsNote", "role_order") would otherwise vanish without a word.
  const problems: Problem[] = [...read.problems];
  append(problems, unknownKeyWarnings(parsed.value, IssueManifestSchema, shown, parsed.lineOf));
  append(problems, subjectProblems(manifest, shown, parsed.lineOf));
  const loaded = await loadEntries(manifest.summaries, {
    issueDir,
    shown,
    lineOf: parsed.lineOf,
    taxonomy,
    poolDir: options.poolDir,
  });

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
