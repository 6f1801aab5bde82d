import { append } from '../append.js';
import type { Problem } from '../errors.js';
import type { Summary } from '../model/summary.js';
import { displayPath } from './_display.js';
import type { LoadedEntry } from './_issue-entries.js';
import type { ParsedManifest } from './_issue-manifest.js';
import { storyTwins, twinReason } from './same-story.js';

/** The words of the loader's warning about a summary marked draft; `isDraftSummaryWarning` finds it. */
export const DRAFT_SUMMARY = 'is marked draft';

/** How a problem names issue.json: its shown path and the line of a key. */
export interface ManifestPlace {
  shown: string;
  lineOf: ParsedManifest['lineOf'];
}

/**
 * The summaries the loaded entries give, in the manifest's order, with the file of each id. An id
 * listed twice is an error (the second is left out); a story told twice and a draft are warnings.
 * Each entry's own problems and these are added to `problems`.
 */
export function issueSummaries(
  loaded: readonly LoadedEntry[],
  { shown, lineOf }: ManifestPlace,
  problems: Problem[],
): { summaries: Summary[]; files: Map<string, string> } {
  const summaries: Summary[] = [];
  const files = new Map<string, string>();
  const sameStory = storyTwins();
  loaded.forEach(({ file, summary, problems: found }, index) => {
    append(problems, found);
    if (!summary) return;
    const at = { file: shown, line: lineOf(['summaries', index]), field: `summaries[${index}]` };
    const previous = files.get(summary.id);
    if (previous) {
      problems.push({
        severity: 'error',
        ...at,
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
        ...at,
        message: `summary "${summary.id}" (${displayPath(file)}) ${twinReason(twin)} "${twin.id}": a reader of both would get the story twice`,
        hint: `take one of them out of the issue (a pool entry copied into the issue folder is the usual cause); if each is written for other readers, give each only its own roles`,
      });
    if (summary.status === 'draft')
      problems.push({
        severity: 'warning',
        ...at,
        message: `summary "${summary.id}" ${DRAFT_SUMMARY} (${displayPath(file)}): a send refuses the issue until it is ready`,
        hint: 'set "status: ready" in it when it is done, or take it out of the issue',
      });
  });
  return { summaries, files };
}
