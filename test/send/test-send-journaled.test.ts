import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A test message is never sent to a suppressed address. An unsubscribe `serve` could only journal
 * beside the state file (the file was busy) suppresses the address as one committed to it does.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function run(...argv: string[]) {
  const streams = captureStreams();
  const code = await main(argv, {
    cwd: project.dir,
    env: { ROLECAST_SECRET: 'test-send-journal-0123456789abcdefghij' },
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out, err: streams.err };
}

function stateFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(path).isDirectory()) found.push(...stateFiles(path));
    else if (/\.(db|sqlite)$/.test(name)) found.push(path);
  }
  return found;
}

it('a test send to an address whose unsubscribe waits in the journal is refused, nothing sent', async () => {
  const first = await run('send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'out');
  expect(first.code, first.err).toBe(0);
  const [stateFile] = stateFiles(project.dir);
  expect(stateFile).toBeDefined();
  appendToJournal(journalPath(stateFile!), {
    email: 'editor@example.org',
    reason: 'unsubscribe',
    source: 'one-click',
    at: new Date().toISOString(),
  });
  const test = await run(
    'send',
    'issues/2026-W48',
    '--subscribers',
    'subscribers.example.json',
    '--outbox',
    'tests',
    '--test',
    'editor@example.org',
  );
  expect(test.code).not.toBe(0);
  expect(test.err).toMatch(/editor@example\.org is on the suppression list/);
  expect(stateFiles(project.dir).length).toBe(1);
  let written: string[] = [];
  try {
    written = readdirSync(join(project.dir, 'tests'), { recursive: true }).map(String);
  } catch {}
  expect(written.filter((name) => name.endsWith('.eml'))).toEqual([]);
});
