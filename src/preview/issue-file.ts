import { randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { applyEdit, type EditContext, type IssueEdit, issueVersion } from './editor.js';

/**
 * The only writer of `issue.json` in the preview. A write names the version its page was rendered
 * from; when the file on disk is another version (an edit in another program), nothing is written.
 * Writes from the preview run one at a time, and land by rename so the file is never half-written.
 * A file made read-only is not replaced (a rename would ignore its mode), and a file reached
 * through a link is written where the link leads, so the link stays.
 */
export type WriteOutcome =
  | { kind: 'written'; version: string; changed: boolean }
  | { kind: 'conflict'; version: string }
  | { kind: 'invalid'; message: string }
  /** The file could not be read or written: nothing was written, and the message says why. */
  | { kind: 'failed'; message: string };

export interface IssueWriter {
  file: string;
  apply(version: string, edit: IssueEdit, context: () => Promise<EditContext>): Promise<WriteOutcome>;
}

/** `shown`: the file as messages name it (relative to where the preview runs). */
export function createIssueWriter(file: string, shown = file): IssueWriter {
  let queue: Promise<unknown> = Promise.resolve();
  const failed = (message: string): WriteOutcome => ({ kind: 'failed', message: `Not saved: ${message}` });
  return {
    file,
    apply(version, edit, context) {
      const run = queue.then(async (): Promise<WriteOutcome> => {
        let bytes: Buffer;
        let target: string;
        try {
          target = await realpath(file);
          bytes = await readFile(target);
        } catch (error) {
          return (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? failed(
                `${shown} is no longer there (moved or deleted since the page was loaded). Put it back, then reload the page.`,
              )
            : failed(`${shown} could not be read (${(error as Error).message}).`);
        }
        const current = issueVersion(bytes);
        if (current !== version) return { kind: 'conflict', version: current };
        const result = applyEdit(bytes.toString('utf8'), edit, await context());
        if (!result.ok) return { kind: 'invalid', message: result.message };
        if (!result.changed) return { kind: 'written', version: current, changed: false };
        if (((await stat(target)).mode & 0o222) === 0)
          return failed(`${shown} is read-only, so it is left as it is. Make it writable (chmod u+w) to edit it here.`);
        try {
          await writeAtomically(target, result.text);
        } catch (error) {
          return failed(
            `${shown} could not be written (${(error as Error).message}); the file on disk is unchanged. Free some space or fix the folder's permissions, then save again.`,
          );
        }
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
    // Set again: the umask takes bits off a new file's mode (group write, 0664 to 0644).
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
