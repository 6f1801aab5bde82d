import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `tracking.baseUrl` with a query or a fragment: each click link adds its token after it, so the
 * token landed in the query ("/c?src=mail/<token>?v=…") and serve answered every card link 404 —
 * no reader could open an article. Such an address is now refused where the config is read.
 */
let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function checkWith(baseUrl: string) {
  project = await tempProject({ withExample: true });
  const file = project.path('rolecast.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, tracking: { clicks: true, baseUrl } }, null, 2));
  return runMain(project.dir, ['check', 'issues/2026-W48']);
}

describe('tracking.baseUrl', () => {
  it.each([
    ['a query', 'https://t.example.com/c?src=mail'],
    ['a fragment', 'https://t.example.com/c/#clicks'],
  ])('with %s is refused, naming the file, line and field', async (_name, baseUrl) => {
    const result = await checkWith(baseUrl);
    expect(result.code).toBe(2);
    expect(result.all).toMatch(/rolecast\.config\.json:\d+: tracking\.baseUrl: must not hold a query/);
    expect(result.all).toContain('e.g. https://t.example.com/c/');
  });

  it('up to its path is taken', async () => {
    const result = await checkWith('https://t.example.com/c');
    expect(result.all).not.toContain('tracking.baseUrl');
  });
});
