import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'exit-code-test-secret-0123456789abcdef0123';
const ISSUE = 'issues/2026-W48';
const SUBS = ['--subscribers', 'subscribers.example.json'];

let project: TempProject;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  await mkdir(project.path('a-folder'));
  await writeFile(project.path('a-file'), 'not a folder\n');
  await writeFile(project.path('bad.json'), '{ "sender": ');
  await writeFile(project.path('not-a-db'), 'this is not a database\n');
});
afterAll(() => project.cleanup());

/** Bad input of every kind a user can give; each must end in exit 2 with a message and no stack. */
const CASES: { name: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
  { name: 'no command', args: [] },
  { name: 'an unknown command', args: ['frobnicate'] },
  { name: 'an unknown option', args: ['check', ISSUE, '--frob'] },
  { name: 'parse: a folder', args: ['parse', 'a-folder'] },
  { name: 'parse: a missing file', args: ['parse', 'missing.txt'] },
  { name: 'parse: a file below a file', args: ['parse', 'a-file/x.txt'] },
  { name: 'parse: a config that is a folder', args: ['parse', 'a-file', '--config', 'a-folder'] },
  { name: 'parse: invalid JSON config', args: ['parse', 'a-file', '--config', 'bad.json'] },
  { name: 'check: a missing issue', args: ['check', 'missing'] },
  { name: 'check: an issue that is a file', args: ['check', 'a-file'] },
  { name: 'check: subscribers that are a folder', args: ['check', ISSUE, '--subscribers', 'a-folder'] },
  { name: 'check: a missing config', args: ['check', ISSUE, '--config', 'missing.json'] },
  { name: 'build: --out is a file', args: ['build', ISSUE, '--out', 'a-file'] },
  { name: 'build: --out below a file', args: ['build', ISSUE, '--out', 'a-file/out'] },
  { name: 'build: no --out', args: ['build', ISSUE] },
  { name: 'send: no --subscribers', args: ['send', ISSUE] },
  { name: 'send: --concurrency a word', args: ['send', ISSUE, ...SUBS, '--concurrency', 'many', '--dry-run'] },
  { name: 'send: --concurrency 0', args: ['send', ISSUE, ...SUBS, '--concurrency', '0', '--dry-run'] },
  { name: 'send: --concurrency in exponent form', args: ['send', ISSUE, ...SUBS, '--concurrency', '1e9'] },
  { name: 'send: --rate a word', args: ['send', ISSUE, ...SUBS, '--rate', 'fast', '--dry-run'] },
  { name: 'send: --at not a date', args: ['send', ISSUE, ...SUBS, '--at', 'tomorrow-ish'] },
  { name: 'send: --at an impossible date', args: ['send', ISSUE, ...SUBS, '--at', '2026-13-45T99:00'] },
  { name: 'send: --test not an address', args: ['send', ISSUE, ...SUBS, '--test', 'nobody', '--dry-run'] },
  { name: 'send: subscribers missing', args: ['send', ISSUE, '--subscribers', 'missing.json', '--dry-run'] },
  { name: 'send: --outbox is a file', args: ['send', ISSUE, ...SUBS, '--outbox', 'a-file'] },
  { name: 'status: --state is a folder', args: ['status', ISSUE, '--state', 'a-folder'] },
  { name: 'status: --state is not a database', args: ['status', ISSUE, '--state', 'not-a-db'] },
  { name: 'status: no issue', args: ['status'] },
  { name: 'serve: no secret', args: ['serve', '--port', '0'] },
  { name: 'serve: --port out of range', args: ['serve', '--port', '99999'], env: { ROLECAST_SECRET: SECRET } },
  { name: 'serve: --port a word', args: ['serve', '--port', 'http'], env: { ROLECAST_SECRET: SECRET } },
  {
    name: 'serve: --state is a folder',
    args: ['serve', '--port', '0', '--state', 'a-folder'],
    env: { ROLECAST_SECRET: SECRET },
  },
  { name: 'preview: --port out of range', args: ['preview', ISSUE, '--port', '70000'] },
  { name: 'preview: a missing issue', args: ['preview', 'missing'] },
  { name: 'suppress: an unknown action', args: ['suppress', 'drop'] },
  { name: 'suppress: add a bad address', args: ['suppress', 'add', 'not-an-address'] },
  { name: 'suppress: import a folder', args: ['suppress', 'import', 'a-folder'] },
  { name: 'suppress: list from a non-database', args: ['suppress', 'list', '--state', 'not-a-db'] },
  { name: 'archive: --out is a file', args: ['archive', '--out', 'a-file'] },
  { name: 'archive: --issues is a file', args: ['archive', '--out', 'site', '--issues', 'a-file'] },
  { name: 'schema: --out is a file', args: ['schema', '--out', 'a-file'] },
];

describe('every CLI error path ends in exit 2 with a message, never a stack', () => {
  it.each(CASES)('$name', async ({ args, env }) => {
    const result = await runCli(args, { cwd: project.dir, env: env ?? {} });
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(2);
    expect(result.stderr.trim(), 'a message on stderr').not.toBe('');
    expect(output).not.toMatch(/^ {4}at /m);
    expect(output).not.toContain('this is a bug');
  });
});

describe('a closed pipe', () => {
  it('ends `suppress list | head -1` quietly with the normal exit code', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `reader${i}@example.com`).join('\n');
    await writeFile(project.path('many.txt'), `${lines}\n`);
    const imported = await runCli(['suppress', 'import', 'many.txt', '--state', 'pipe.db'], { cwd: project.dir });
    expect(imported.code).toBe(0);
    const script = `"${process.execPath}" "${CLI}" suppress list --state pipe.db 2>err.txt | head -1; echo "exit=\${PIPESTATUS[0]}"; cat err.txt`;
    const run = spawnSync('bash', ['-c', script], { cwd: project.dir, encoding: 'utf8' });
    expect(run.stdout.split('\n')[0]).toMatch(/^reader\d+@example\.com\t/);
    expect(run.stdout).toContain('exit=0');
    expect(run.stdout).not.toMatch(/EPIPE|^ {4}at /m);
  });
});
