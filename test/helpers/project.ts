import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SEED_FILE = resolve(REPO_ROOT, '../shared/seed/editorial-summary-example.txt');
export const EXAMPLE_ISSUE = join(REPO_ROOT, 'issues/2026-W48');

export interface TempProject {
  dir: string;
  path(...parts: string[]): string;
  write(relative: string, content: string | Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A throwaway project folder. `withExample` copies the example issue, config, taxonomy, templates
 * and subscribers so tests can edit them freely; `files` adds or overrides files from literals.
 */
export async function tempProject(
  options: { withExample?: boolean; files?: Record<string, string> } = {},
): Promise<TempProject> {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-test-'));
  if (options.withExample) {
    await cp(join(REPO_ROOT, 'issues/2026-W48'), join(dir, 'issues/2026-W48'), { recursive: true });
    await cp(join(REPO_ROOT, 'templates'), join(dir, 'templates'), { recursive: true });
    for (const file of ['rolecast.config.json', 'roles.yaml', 'subscribers.example.json'])
      await cp(join(REPO_ROOT, file), join(dir, file));
  }
  const project: TempProject = {
    dir,
    path: (...parts) => join(dir, ...parts),
    async write(relative, content) {
      const file = join(dir, relative);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
      return file;
    },
    // A command a failed test left running may still be writing into it (ENOTEMPTY): tried again.
    cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 10 }),
  };
  for (const [relative, content] of Object.entries(options.files ?? {})) await project.write(relative, content);
  return project;
}

/** Captures what a command prints, for the library-level CLI tests. */
export function captureStreams() {
  let out = '';
  let err = '';
  const stream = (append: (s: string) => void) =>
    ({
      write(chunk: string | Uint8Array) {
        append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  return {
    stdout: stream((s) => {
      out += s;
    }),
    stderr: stream((s) => {
      err += s;
    }),
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

/** Runs one command line through the CLI's library entry in `cwd`, capturing what it prints. */
export async function runMain(cwd: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const { main } = await import('../../src/cli/main.js');
  const streams = captureStreams();
  const code = await main(argv, {
    cwd,
    env: { ROLECAST_SECRET: 'test-secret-0123456789abcdefghijklmnop', ...env },
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out, err: streams.err, all: streams.out + streams.err };
}

/** Adds a JSON summary to the example issue of a project made `withExample`, listed last in its manifest. */
export async function addExampleSummary(project: TempProject, name: string, summary: Record<string, unknown>) {
  await project.write(`issues/2026-W48/summaries/${name}.json`, JSON.stringify(summary));
  const manifestFile = project.path('issues/2026-W48/issue.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { summaries: string[] };
  manifest.summaries.push(`summaries/${name}.json`);
  await project.write('issues/2026-W48/issue.json', JSON.stringify(manifest, null, 2));
}

/** A project of one issue with one summary, for the CTO role, sent to `subscribers.json` as given. */
export async function oneStoryProject(subscribers: readonly unknown[]): Promise<TempProject> {
  return tempProject({
    files: {
      'rolecast.config.json': JSON.stringify({
        sender: { name: 'Platform Notes', email: 'notes@platform.test' },
        listId: 'notes.platform.test',
        footer: { postalAddress: '1 Test Road, Berlin' },
      }),
      'roles.yaml': await readFile(`${REPO_ROOT}/roles.yaml`, 'utf8'),
      'issues/2026-W49/issue.json': JSON.stringify({ subject: '{{lead}}', date: '2026-11-30', summaries: ['a.txt'] }),
      'issues/2026-W49/a.txt': 'Queues\nSummary\nBound them.\nBest for: CTO\nLink: https://example.org/q\n',
      'subscribers.json': JSON.stringify(subscribers),
    },
  });
}
