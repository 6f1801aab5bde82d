import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * Commands that need no rendering start without the heavy modules: a loader hook refuses to
 * resolve them, so loading one fails the command instead of only slowing it down.
 */

const RENDERING = ['mjml', 'handlebars', 'html-to-text'];
const SECRET = 'lazy-modules-test-secret-0123456789abcdef';
let project: TempProject;
let register: string;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  const hooks = await project.write(
    'hooks.mjs',
    `const forbidden = (process.env.FORBIDDEN_MODULES ?? '').split(',').filter(Boolean);
export async function resolve(specifier, context, next) {
  const name = specifier.split('/')[0];
  if (forbidden.includes(name)) throw new Error('loaded a forbidden module: ' + specifier);
  return next(specifier, context);
}
`,
  );
  register = join(project.dir, 'register.mjs');
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
});
afterAll(() => project.cleanup());

function run(args: string[], forbidden: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', register, CLI, ...args], {
      cwd: project.dir,
      env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: SECRET, FORBIDDEN_MODULES: forbidden.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('commands that do not render load no rendering or mail modules', () => {
  const all = [...RENDERING, 'nodemailer'];

  it('the guard works: `build` renders, so it fails when MJML may not load', async () => {
    const result = await run(['build', 'issues/2026-W48', '--out', 'out'], ['mjml']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('loaded a forbidden module: mjml');
  });

  it.each([
    ['status', ['status', 'issues/2026-W48']],
    ['suppress', ['suppress', 'list']],
    ['parse', ['parse', 'issues/2026-W48/summaries/escaping-is-a-product-decision.txt']],
  ])('%s', async (_name, args) => {
    const result = await run(args, all);
    expect(result.stderr).not.toContain('forbidden');
    expect(result.code, result.stderr).toBe(0);
  });

  it('serve answers without MJML, Handlebars or html-to-text', async () => {
    const child = spawn(process.execPath, ['--import', register, CLI, 'serve', '--port', '0'], {
      cwd: project.dir,
      env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: SECRET, FORBIDDEN_MODULES: RENDERING.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\/unsubscribe/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.on('close', () => reject(new Error(`serve exited early:\n${stdout}\n${stderr}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    expect(stderr).not.toContain('forbidden');
  });
});
