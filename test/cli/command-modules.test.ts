import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A command loads the modules it uses and no others: a loader hook records every module each
 * command resolves, and the list must hold neither the renderer nor another command's code.
 */

const SECRET = 'command-modules-test-secret-0123456789abcdef';
let project: TempProject;
let register: string;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  const hooks = await project.write(
    'record-hooks.mjs',
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.MODULE_LOG) appendFileSync(process.env.MODULE_LOG, resolved.url + '\\n');
  return resolved;
}
`,
  );
  register = join(project.dir, 'record.mjs');
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
});
afterAll(() => project.cleanup());

async function loadedBy(log: string): Promise<string[]> {
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  // Package names for node_modules, paths under dist/ for the product's own modules.
  return [
    ...new Set(
      urls.map((url) => {
        const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
        if (inPackage) return inPackage[1]!;
        return /\/dist\/(.+)$/.exec(url)?.[1] ?? url;
      }),
    ),
  ];
}

const RENDERING = ['mjml', 'mjml-core', 'handlebars', 'html-to-text', 'render/mjml.js', 'render/renderer.js'];
const OTHER_COMMANDS = (own: string) =>
  ['build', 'send', 'preview', 'new', 'check', 'archive', 'report', 'status', 'parse', 'suppress', 'serve']
    .filter((name) => name !== own)
    .map((name) => `cli/commands/${name}.js`);
// What `bounces import` reads (mailboxes, reports) and the summary parsers of `parse`/`build`.
const BOUNCE_READING = ['bounces/mailbox.js', 'bounces/report.js', 'bounces/import.js'];
const SUMMARY_PARSING = ['load/text.js', 'load/markdown-summary.js', 'load/issue.js'];
// The config schema's library: these two read only where the state lives (config/state-part.ts).
const SCHEMA = ['zod', 'config/schema.js'];
const NOT_LOADED: Record<string, string[]> = {
  status: [...BOUNCE_READING, ...SUMMARY_PARSING, ...SCHEMA],
  suppress: [...BOUNCE_READING, ...SUMMARY_PARSING, ...SCHEMA],
  parse: BOUNCE_READING,
  serve: [...BOUNCE_READING, ...SUMMARY_PARSING],
};

describe('each command loads its own modules only', () => {
  it.each([
    ['status', ['status', 'issues/2026-W48']],
    ['suppress', ['suppress', 'list']],
    ['parse', ['parse', 'issues/2026-W48/summaries/escaping-is-a-product-decision.txt']],
  ])('%s', async (name, args) => {
    const log = project.path(`modules-${name}.log`);
    const result = await runCli(args, {
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, MODULE_LOG: log },
      nodeArgs: ['--import', register],
    });
    expect(result.code, result.stderr).toBe(0);
    const loaded = await loadedBy(log);
    expect(loaded).toContain(`cli/commands/${name}.js`);
    for (const module of [...RENDERING, 'nodemailer', ...OTHER_COMMANDS(name), ...NOT_LOADED[name]!])
      expect(loaded).not.toContain(module);
  });

  it('serve, up to its first answer', async () => {
    const log = project.path('modules-serve.log');
    const serve = await startServe({
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, MODULE_LOG: log },
      nodeArgs: ['--import', register],
    });
    try {
      expect((await fetch(serve.url.replace('/unsubscribe', '/healthz'))).status).toBe(200);
      const loaded = await loadedBy(log);
      expect(loaded).toContain('cli/commands/serve.js');
      for (const module of [...RENDERING, ...OTHER_COMMANDS('serve'), ...NOT_LOADED.serve!])
        expect(loaded).not.toContain(module);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited, serve.stderr).toBe(0);
  });
});
