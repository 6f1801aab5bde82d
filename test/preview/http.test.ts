import { spawn } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { startPreview } from '../../src/preview/index.js';
import { verifyToken } from '../../src/unsubscribe/token.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { ISSUE_DIR, type PreviewFixture, rawGet, SUBSCRIBERS, startFixture } from './_fixture.js';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('preview server over plain HTTP', () => {
  it.each([
    '/../rolecast.config.json',
    '/%2e%2e/rolecast.config.json',
    '/%2E%2E%2Frolecast.config.json',
    '/variant/..%2f..%2froles.yaml',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/message/variant/editor/..%5c..%5cissue.json',
    '/__assets/..%00preview.js',
  ])('refuses the traversal %s', async (path) => {
    fixture = await startFixture();
    const response = await rawGet(fixture.preview.port, path);
    expect([400, 404]).toContain(response.status);
    expect(response.body).not.toContain('sender');
    expect(response.body).not.toContain('root:');
  });

  it('serves nothing from the project folder, only what it renders', async () => {
    fixture = await startFixture();
    for (const path of ['/rolecast.config.json', `/${ISSUE_DIR}/issue.json`, '/roles.yaml', `/${SUBSCRIBERS}`]) {
      const response = await rawGet(fixture.preview.port, path);
      expect(response.status, path).toBe(404);
    }
  });

  it('sends no-store on pages, messages, assets, events and errors', async () => {
    fixture = await startFixture();
    const paths = [
      '/',
      '/variant/editor',
      '/subscriber/priya.raman%40example.com',
      '/message/variant/cto/html',
      '/message/subscriber/priya.raman%40example.com/text',
      '/message/variant/cto/eml',
      '/__assets/preview.js',
      '/__assets/preview.css',
      '/nothing-here',
    ];
    for (const path of paths) {
      const response = await rawGet(fixture.preview.port, path);
      expect(response.headers['cache-control'], path).toBe('no-store');
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
    }
    const page = await rawGet(fixture.preview.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const message = await rawGet(fixture.preview.port, '/message/variant/cto/html');
    expect(message.headers['content-security-policy']).toContain("default-src 'none'");
    expect(message.headers['content-security-policy']).not.toContain('script-src');
  });

  it('refuses a Host header that is not the loopback (DNS rebinding)', async () => {
    fixture = await startFixture();
    const evil = await rawGet(fixture.preview.port, '/', { Host: 'attacker.example:80' });
    expect(evil.status).toBe(403);
    const local = await rawGet(fixture.preview.port, '/', { Host: `localhost:${fixture.preview.port}` });
    expect(local.status).toBe(200);
  });

  it('escapes subscriber names and addresses in its own pages', async () => {
    const hostile = '<img src=x onerror=alert(1)> & "Co"';
    fixture = await startFixture({
      files: {
        'hostile.json': JSON.stringify([{ email: 'eve@example.com', name: hostile, roles: ['CTO'] }]),
      },
      subscribers: 'hostile.json',
    });
    const index = await rawGet(fixture.preview.port, '/');
    expect(index.body).not.toContain('<img src=x');
    expect(index.body).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;');
    const view = await rawGet(fixture.preview.port, '/subscriber/eve%40example.com');
    expect(view.status).toBe(200);
    expect(view.body).not.toContain('<img src=x');
  });

  it('shows a reader whose address holds two dots in a row, which is no traversal', async () => {
    fixture = await startFixture({
      files: { 'dots.json': JSON.stringify([{ email: 'john..doe@example.com', name: 'John', roles: ['CTO'] }]) },
      subscribers: 'dots.json',
    });
    const index = await rawGet(fixture.preview.port, '/');
    expect(index.body).toContain('href="/subscriber/john..doe%40example.com"');
    for (const path of ['/subscriber/john..doe%40example.com', '/message/subscriber/john..doe%40example.com/text']) {
      const response = await rawGet(fixture.preview.port, path);
      expect(response.status, path).toBe(200);
    }
    expect((await rawGet(fixture.preview.port, '/subscriber/..%2f..%2fjohn..doe%40example.com')).status).toBe(400);
  });

  it('offers each reader message as an .eml addressed to that reader alone', async () => {
    fixture = await startFixture();
    const response = await rawGet(fixture.preview.port, '/message/subscriber/priya.raman%40example.com/eml');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('message/rfc822');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="2026-W48-priya\.raman@example\.com\.eml"$/,
    );
    expect(response.body).toMatch(/^To: .*<priya\.raman@example\.com>\r$/m);
    expect(response.body).toMatch(/^From: .*<digest@rolecast\.example>\r$/m);
    expect(response.body).toMatch(/^List-Unsubscribe:/m);
    expect(response.body).not.toContain('jonas.becker@example.org');
  });

  it('answers 404 for a variant or subscriber the issue does not have', async () => {
    fixture = await startFixture();
    expect((await rawGet(fixture.preview.port, '/variant/no-such-role')).status).toBe(404);
    expect((await rawGet(fixture.preview.port, '/subscriber/nobody%40example.com')).status).toBe(404);
  });

  it('picks up saves that replace the file (temp file, then rename), every time', async () => {
    fixture = await startFixture();
    const file = fixture.project.path(ISSUE_DIR, 'summaries/page-budget-for-on-call.txt');
    const original = await readFile(file, 'utf8');
    for (const round of [1, 2, 3]) {
      const title = `Page budgets, saved atomically ${round}`;
      await writeFile(`${file}.tmp`, original.replace(/^.*/, title));
      await rename(`${file}.tmp`, file);
      await waitFor(fixture.preview.port, (body) => body.includes(title));
    }
  });

  it('shows the errors over the last good render when an edit breaks the issue, and recovers', async () => {
    fixture = await startFixture();
    const manifest = fixture.project.path(ISSUE_DIR, 'issue.json');
    const original = await readFile(manifest, 'utf8');
    await writeFile(manifest, '{ "subject": "x",\n  "date": \n}');
    const broken = await waitFor(fixture.preview.port, (body) => body.includes('error-overlay'));
    expect(broken).toMatch(/issue\.json:3: json: invalid JSON/);
    expect(broken).toContain('id="variants"');
    expect((await rawGet(fixture.preview.port, '/message/variant/editor/html')).status).toBe(200);
    await writeFile(manifest, original);
    const fixed = await waitFor(fixture.preview.port, (body) => !body.includes('error-overlay'));
    expect(fixed).toContain('id="variants"');
  });

  it("signs a subscriber's links with a key of its own run, never with ROLECAST_SECRET", async () => {
    const project = await tempProject({ withExample: true });
    const secret = 'preview-production-secret-0123456789abcdef';
    const preview = await startPreview({
      issueDir: ISSUE_DIR,
      subscribersFile: SUBSCRIBERS,
      cwd: project.dir,
      port: 0,
      env: { ...process.env, ROLECAST_SECRET: secret },
    });
    try {
      const message = await rawGet(preview.port, '/message/subscriber/priya.raman%40example.com/html');
      expect(message.status).toBe(200);
      const tokens = [...message.body.matchAll(/[?&;]token=([A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
      expect(tokens.length).toBeGreaterThan(0);
      // Signed, but by a key no serve holds: none of them unsubscribes or edits the reader.
      for (const token of tokens) expect(verifyToken(token, secret)).toBeUndefined();
    } finally {
      await preview.close();
      await project.cleanup();
    }
  });

  it('starts even when the issue does not load, and renders once it is fixed', async () => {
    const project = await tempProject({ withExample: true });
    const manifest = project.path(ISSUE_DIR, 'issue.json');
    const original = await readFile(manifest, 'utf8');
    await writeFile(manifest, original.replace('"subject": ', '"subject": 42, "x": '));
    const preview = await startPreview({ issueDir: ISSUE_DIR, cwd: project.dir, port: 0 });
    try {
      const broken = await rawGet(preview.port, '/');
      expect(broken.body).toContain('error-overlay');
      expect(broken.body).toMatch(/issue\.json:\d+: subject: /);
      expect(broken.body).not.toContain('id="variants"');
      expect((await rawGet(preview.port, '/message/variant/editor/html')).status).toBe(503);
      await writeFile(manifest, original);
      await waitFor(preview.port, (body) => body.includes('id="variants"') && !body.includes('error-overlay'));
    } finally {
      await preview.close();
      await project.cleanup();
    }
  });
});

describe('preview ports', () => {
  let blocker: Server | undefined;
  afterEach(() => new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done())));

  async function busyPort(): Promise<number> {
    blocker = createServer();
    await new Promise<void>((done) => blocker!.listen(0, '127.0.0.1', done));
    const address = blocker.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('fails with E_PORT_IN_USE when the requested port is busy', async () => {
    const port = await busyPort();
    const project = await tempProject({ withExample: true });
    try {
      const error = await startPreview({ issueDir: ISSUE_DIR, cwd: project.dir, port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RolecastError);
      expect((error as RolecastError).code).toBe('E_PORT_IN_USE');
      expect((error as RolecastError).exitCode).toBe(2);

      const result = await runCli(['preview', ISSUE_DIR, '--port', String(port)], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await project.cleanup();
    }
  });

  it('binds to 127.0.0.1 and picks a free port when none is given', async () => {
    const project = await tempProject({ withExample: true });
    const first = await startPreview({ issueDir: ISSUE_DIR, cwd: project.dir });
    const second = await startPreview({ issueDir: ISSUE_DIR, cwd: project.dir });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(second.port).not.toBe(first.port);
      expect((await rawGet(second.port, '/')).status).toBe(200);
    } finally {
      await first.close();
      await second.close();
      await project.cleanup();
    }
  });
});

describe('rolecast preview (CLI)', () => {
  it('prints the URL, serves the preview, and stops cleanly on SIGTERM', async () => {
    const project = await tempProject({ withExample: true });
    const secret = 'preview-cli-production-secret-0123456789abcdef';
    const child = spawn(process.execPath, [CLI, 'preview', ISSUE_DIR, '--subscribers', SUBSCRIBERS, '--port', '0'], {
      cwd: project.dir,
      env: { ...process.env, ROLECAST_SECRET: secret },
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
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL printed; stderr:\n${stderr}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout);
          if (match) {
            clearTimeout(timer);
            done(match[0]);
          }
        });
      });
      const response = await rawGet(Number(new URL(url).port), '/');
      expect(response.status).toBe(200);
      expect(response.body).toContain('Priya Raman');
      // The links it shows are signed, but never with the production key.
      const message = await rawGet(Number(new URL(url).port), '/message/subscriber/priya.raman%40example.com/html');
      const tokens = [...message.body.matchAll(/[?&;]token=([A-Za-z0-9_.-]+)/g)].map((m) => m[1]!);
      expect(tokens.length).toBeGreaterThan(0);
      for (const token of tokens) expect(verifyToken(token, secret)).toBeUndefined();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await project.cleanup();
    }
  });
});

async function waitFor(port: number, done: (body: string) => boolean): Promise<string> {
  let body = '';
  for (let attempt = 0; attempt < 100; attempt++) {
    body = (await rawGet(port, '/')).body;
    if (done(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the preview never reached the expected state; last page:\n${body.slice(0, 2000)}`);
}
