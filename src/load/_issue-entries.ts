import { basename, join, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import type { Summary } from '../model/summary.js';
import { pickedStory } from '../pool/picked-record.js';
import { indexPool, isPoolRef, type PoolIndex, poolIdIn, resolvePoolRef } from '../pool/refs.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { displayPath } from './_display.js';
import type { ParsedManifest } from './_issue-manifest.js';
import { insideProject } from './inside-project.js';
import { loadSummaryFile, summaryIdFromFile } from './summary.js';

/** Where an issue's entries are read from and how its problems name the manifest. */
export interface EntryContext {
  issueDir: string;
  /** Shown path of issue.json. */
  shown: string;
  lineOf: ParsedManifest['lineOf'];
  taxonomy: RoleTaxonomy;
  /** The content pool folder, for entries written `pool:<id>`. */
  poolDir: string | undefined;
}

/** A summary entry of issue.json loaded: its file, the summary when it loaded, and its problems. */
export interface LoadedEntry {
  file: string;
  summary?: Summary | undefined;
  problems: Problem[];
}

/**
 * Each entry of issue.json's `summaries` (a path beside the issue, or `pool:<id>`) loaded, in the
 * manifest's order. An entry that cannot be loaded is the manifest's problem, at its line.
 */
export function loadEntries(entries: readonly string[], context: EntryContext): Promise<LoadedEntry[]> {
  const { issueDir, shown, lineOf, taxonomy } = context;
  // The pool is listed once, and only when an entry may need it. Without a config, it is the
  // default `summaries/` beside the `issues/` folder.
  let pool: Promise<PoolIndex> | undefined;
  // issues/<id>/ sits two levels below the project folder.
  const projectDir = resolve(issueDir, '..', '..');
  const poolIndex = () => {
    pool ??= indexPool(resolve(context.poolDir ?? join(issueDir, '..', '..', 'summaries')));
    return pool;
  };
  // Files are read at once but parsed one at a time, in the manifest's order: an unknown role takes
  // the spelling of the first summary naming it, which must not depend on which file was read first.
  const parsedBefore = entries.map(() => deferred());
  const turn = (index: number) => (index === 0 ? Promise.resolve() : parsedBefore[index - 1]!.promise);
  return Promise.all(
    entries
      .map(async (entry, index) => {
        const at = { file: shown, line: lineOf(['summaries', index]), field: `summaries[${index}]` };
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
                line: lineOf(['summaries', index]),
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
}

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

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
