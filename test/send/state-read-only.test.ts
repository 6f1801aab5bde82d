import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { stateFileError, stateUseError } from '../../src/send/state-file.js';

/**
 * A state file this user may not write (a read-only bind of the state folder, a file owned by
 * another user) opens read-only in SQLite, and the first write fails: the command said to free
 * space on the disk, which there was, and exited as a send to run again would.
 */

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-read-only-'));
  file = join(dir, 'state.db');
  writeFileSync(file, '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const readOnly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });

it('at open: exit 2, saying the file could not be opened for writing and may be intact', () => {
  const error = stateFileError(file, readOnly);
  expect(error).toBeInstanceOf(RolecastError);
  expect(error).toMatchObject({ code: 'E_INVALID', exitCode: 2 });
  expect(error.message).toContain(`${file} could not be opened for writing`);
  expect(error.hint).toContain('read-only file system');
  expect(error.hint).toContain('do not move it aside');
  expect(error.hint).not.toContain('free space');
});

it('while in use (the mount turned read-only): the run stops as before, with the read-only advice', () => {
  const error = stateUseError(file, readOnly) as RolecastError;
  expect(error).toMatchObject({ code: 'E_STATE_WRITE', exitCode: 3 });
  expect(error.hint).toContain('read-only file system');
  expect(error.hint).not.toContain('free space');
  // A full disk keeps its own advice.
  const full = stateUseError(file, Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
  expect((full as RolecastError).hint).toContain('free space');
});
