import { statSync } from 'node:fs';
import { type Problem, RolecastError } from '../errors.js';
import { sqlitePath } from '../send/state-file.js';
import type { StateLocation } from './location.js';
import { assertNotLost } from './sqlite/path-note.js';

/** What the preview then does unchecked; `send --test` names its own. */
const UNCHECKED = 'nobody is shown as suppressed, and "Send me a test" checks no suppression list';

/**
 * A state file the preview (or `send --test`) was pointed at that is not there: the preview reads no suppression
 * list from it, so a mistyped `--state` would show suppressed readers as receiving the issue and
 * let a test go to one of them without a word. Said as a warning (a project never sent has no
 * state file yet, and previewing it is fine); a path where a state file with records lived is
 * named as `send` names it when it refuses to start afresh there.
 */
export function missingStateNote(
  state: StateLocation | undefined,
  givenFile: string | undefined,
  unchecked: string = UNCHECKED,
): Problem | undefined {
  if (state?.kind !== 'sqlite' || sizeOf(sqlitePath(state.file)) > 0) return undefined;
  try {
    assertNotLost(state.file);
  } catch (error) {
    if (!(error instanceof RolecastError)) throw error;
    return { severity: 'warning', file: '(state)', message: `${error.message}: ${unchecked}`, hint: error.hint };
  }
  if (givenFile === undefined) return undefined;
  return {
    severity: 'warning',
    file: '(state)',
    field: '--state',
    message: `there is no state file at ${givenFile}${givenFile === state.file ? '' : ` (${state.file})`}: ${unchecked}`,
    hint: "give --state the file your sends use (send --state), or leave --state out for the project's own state; a first send makes it",
  };
}

/** 0 when there is no file: SQLite starts a file of 0 bytes afresh, so it holds nothing either. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
