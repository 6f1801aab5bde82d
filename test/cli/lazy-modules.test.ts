import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe } from '../helpers/cli.js';
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
  return runCli(args, {
    cwd: project.dir,
    env: { ROLECAST_SECRET: SECRET, FORBIDDEN_MODULES: forbidden.join(',') },
    nodeArgs: ['--import', register],
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
    const serve = await startServe({
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, FORBIDDEN_MODULES: RENDERING.join(',') },
      nodeArgs: ['--import', register],
    });
    try {
      expect((await fetch(serve.url.replace('/unsubscribe', '/healthz'))).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited, serve.stderr).toBe(0);
    expect(serve.stderr).not.toContain('forbidden');
  });
});
