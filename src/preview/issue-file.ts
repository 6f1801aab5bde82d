import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { applyEdit, type EditContext, type IssueEdit, issueVersion } from './editor.js';

/**
 * The only writer of `issue.json` in the preview. A write names the version its page was rendered
 * from; when the file on disk is another version (an edit in another program), nothing is written.
 * Writes from the preview run one at a time, and land by rename so the file is never half-written.
 */
export type WriteOutcome =
  | { kind: 'written'; version: string; changed: boolean }
  | { kind: 'conflict'; version: string }
  | { kind: 'invalid'; message: string };

export interface IssueWriter {
  file: string;
  apply(version: string, edit: IssueEdit, context: () => Promise<EditContext>): Promise<WriteOutcome>;
}

export function createIssueWriter(file: string): IssueWriter {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    file,
    apply(version, edit, context) {
      const run = queue.then(async (): Promise<WriteOutcome> => {
        const bytes = await readFile(file);
        const current = issueVersion(bytes);
        if (current !== version) return { kind: 'conflict', version: current };
        const result = applyEdit(bytes.toString('utf8'), edit, await context());
        if (!result.ok) return { kind: 'invalid', message: result.message };
        if (!result.changed) return { kind: 'written', version: current, changed: false };
        await writeAtomically(file, result.text);
        return { kind: 'written', version: issueVersion(result.text), changed: true };
      });
      queue = run.catch(() => {});
      return run;
    },
  };
}

/** Temp file beside the target (same file system, so the rename is atomic), keeping the file's mode. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  try {
    await writeFile(temp, text, { mode });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
