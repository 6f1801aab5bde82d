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
import { issueRoleLists } from './_issue-role-lists.js';
import { DRAFT_SUMMARY, issueSummaries } from './_issue-summaries.js';
import { unknownKeyWarnings } from './_unknown-keys.js';
import { MANIFEST_FILE } from './issue-file.js';

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

  const place = { shown, lineOf: parsed.lineOf };
  const { summaries, files } = issueSummaries(loaded, place, problems);
  const { roleOrder, quietRoles } = issueRoleLists(manifest, taxonomy, summaries, place, problems);

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
