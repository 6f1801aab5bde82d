import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * The archive is a static folder on a web server. A page that declares no icon makes the browser
 * ask for /favicon.ico, which the folder has none of: a 404 in the server's log on every visit.
 */

let project: TempProject;
let browser: Browser;
let server: Server;
let origin: string;
const requested: string[] = [];

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  await buildArchive({
    issuesDir: 'issues',
    outDir: 'site',
    cwd: project.dir,
    now: () => new Date('2026-12-05T12:00:00Z'),
  });
  const root = project.path('site');
  server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requested.push(path);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': file.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/plain' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await project?.cleanup();
});

describe('archive pages in a browser', () => {
  it('ask the web server for no /favicon.ico: the index, an issue and a summary page each name their icon', async () => {
    const issue = JSON.parse(await readFile(project.path('issues/2026-W48/issue.json'), 'utf8'));
    const summaryId = JSON.parse(await readFile(project.path('site/.rolecast-published.json'), 'utf8'))
      .files.map((f: string | { path: string }) => (typeof f === 'string' ? f : f.path))
      .find((f: string) => /^2026-W48\/[^/]+\/index\.html$/.test(f))
      ?.split('/')[1];
    expect(summaryId, JSON.stringify(issue.summaries)).toBeTruthy();
    const page = await browser.newPage();
    try {
      for (const path of ['/', '/2026-W48/', `/2026-W48/${summaryId}/`]) {
        const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
        expect(response?.status(), path).toBe(200);
        expect(await page.locator('link[rel="icon"]').count(), path).toBe(1);
      }
      // A favicon request, when made, follows the page's load: the index loaded again in the same
      // tab afterwards means any asked for by the pages above has reached the server by then. Not
      // the feed: it is no HTML page, names no icon, and a browser showing it asks for one.
      await page.goto(`${origin}/`, { waitUntil: 'load' });
    } finally {
      await page.close();
    }
    expect(requested).toContain('/2026-W48/');
    expect(requested.filter((path) => path.includes('favicon'))).toEqual([]);
  });
});
