import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { isLoopbackHost } from '../_loopback.js';
import type { Environment } from '../config/env.js';
import { RolecastError } from '../errors.js';
import { EDITOR_VARIANT_ID } from '../group/index.js';
import { email as emailSchema } from '../model/_fields.js';
import { lockIssuesFolder } from '../pool/new-lock.js';
import { defaultCompile } from '../send/compose.js';
import { sendTestMessage, testTransport } from '../send/test-send.js';
import { listCandidates } from './candidates.js';
import { EditRequestSchema } from './editor.js';
import type { IssueWriter } from './issue-file.js';
import type { LiveProject } from './live.js';

/**
 * The preview's two writes: an edit of `issue.json` and a test message. Both need the session
 * token in `X-Rolecast-Token` and a same-origin request; the caller has already checked the Host.
 */
export interface WriteContext {
  live: LiveProject;
  token: string;
  writer: IssueWriter;
  env: Environment;
  cwd: string;
  log(line: string): void;
}

export const TOKEN_HEADER = 'x-rolecast-token';
const MAX_BODY = 256 * 1024;

const TestSendSchema = z.object({
  to: z.string().max(320),
  kind: z.enum(['variant', 'subscriber']),
  key: z.string().min(1).max(320),
});

export async function handleWrite(request: IncomingMessage, response: ServerResponse, ctx: WriteContext) {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/__edit' && path !== '/__test-send') return reply(response, 404, { error: 'not found' });
  // With --host the pages may be visible to other machines; changing the issue or sending mail is not.
  if (!fromThisMachine(request.socket.remoteAddress, request.socket.localAddress))
    return reply(response, 403, { error: 'refused: edits and test sends are accepted only from this machine' });
  const crossSite = crossSiteReason(request);
  if (crossSite) return reply(response, 403, { error: `refused: ${crossSite}` });
  if (!tokenMatches(request.headers[TOKEN_HEADER], ctx.token))
    return reply(response, 403, {
      error:
        'refused: missing or wrong X-Rolecast-Token — reload the preview page (each preview run has its own token)',
    });
  if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? ''))
    return reply(response, 415, { error: 'send the request as application/json' });
  let body: unknown;
  try {
    body = JSON.parse(await readBody(request));
  } catch (error) {
    const tooLarge = error instanceof BodyTooLarge;
    return reply(response, tooLarge ? 413 : 400, { error: tooLarge ? 'request too large' : 'the body is not JSON' });
  }
  return path === '/__edit' ? edit(response, body, ctx) : testSend(response, body, ctx);
}

async function edit(response: ServerResponse, body: unknown, ctx: WriteContext): Promise<void> {
  const request = EditRequestSchema.safeParse(body);
  if (!request.success) return reply(response, 400, { error: `not an edit: ${request.error.issues[0]?.message}` });
  const snapshot = ctx.live.current().ok ? ctx.live.current() : ctx.live.lastReady();
  if (!snapshot?.ok)
    return reply(response, 503, { error: 'the issue has not rendered yet: fix the problems shown first' });
  const { config, issue, taxonomy } = snapshot.project;
  const write = () =>
    ctx.writer.apply(request.data.version, request.data.edit, async () => ({
      candidates: (await listCandidates(config, issue.dir, [], ctx.cwd)).map((c) => c.path),
      roles: [...taxonomy.roles.map((r) => r.name), ...issue.summaries.flatMap((s) => s.roles)],
      taxonomyRoles: taxonomy.roles.map((r) => r.name),
      canonical: (role: string) => taxonomy.lookup(role) ?? role,
    }));
  let outcome: Awaited<ReturnType<typeof write>>;
  try {
    // An included pool entry is one a `rolecast new` running now could pick too: both take the
    // lock of the issues folder, so the entry goes to one issue, and the other sees it is taken.
    outcome = request.data.edit.op === 'include' ? await underNewLock(issue.dir, ctx, write) : await write();
  } catch (error) {
    if (!(error instanceof RolecastError)) throw error;
    ctx.log(`edit not saved: ${error.message}`);
    return reply(response, 409, {
      error: `Not saved: ${error.message}. Include it again once that run has written its issue.`,
    });
  }
  if (outcome.kind === 'conflict') {
    ctx.log('edit refused: issue.json changed on disk since the page was loaded');
    return reply(response, 409, {
      error:
        'Not saved: issue.json was changed outside the preview since this page was loaded, and that change is kept. Reload the page to see it, then make your change again.',
      version: outcome.version,
    });
  }
  if (outcome.kind === 'invalid') return reply(response, 422, { error: outcome.message });
  if (outcome.kind === 'failed') {
    ctx.log(`edit not saved: ${outcome.message}`);
    return reply(response, 500, { error: outcome.message });
  }
  if (outcome.changed) ctx.log(`issue.json written from the editor panel (${request.data.edit.op})`);
  return reply(response, 200, { version: outcome.version, changed: outcome.changed });
}

async function underNewLock<T>(issueDir: string, ctx: WriteContext, write: () => Promise<T>): Promise<T> {
  const lock = await lockIssuesFolder(dirname(resolve(ctx.cwd, issueDir)), {
    cwd: ctx.cwd,
    onWait: (line) => ctx.log(line),
  });
  return write().finally(() => lock.release());
}

async function testSend(response: ServerResponse, body: unknown, ctx: WriteContext): Promise<void> {
  const request = TestSendSchema.safeParse(body);
  if (!request.success) return reply(response, 400, { error: 'give an address to send the test to' });
  const snapshot = ctx.live.current();
  if (!snapshot.ok)
    return reply(response, 409, { error: 'the issue cannot be rendered: fix the problems shown first' });
  const { kind, key, to } = request.data;
  if (!emailSchema.safeParse(to).success)
    return reply(response, 400, { error: `"${to}" is not a valid email address` });
  const { project } = snapshot;
  const variant =
    kind === 'variant' && key !== EDITOR_VARIANT_ID ? snapshot.variants.find((v) => v.id === key) : undefined;
  if (kind === 'variant' && key !== EDITOR_VARIANT_ID && !variant)
    return reply(response, 404, { error: `no variant "${key}" in this issue` });
  const started = performance.now();
  // Shown on the page beside the outcome as well as in the terminal: the person is at the page.
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    ctx.log(line);
  };
  const withWarnings = (text: string) => [text, ...warnings].join(' ');
  const { stateNote } = snapshot;
  if (stateNote) warn(`warning: ${stateNote.message} — ${stateNote.hint}`);
  try {
    const transport = await testTransport(project, ctx.env, ctx.cwd, warn);
    const report = await sendTestMessage({
      project,
      state: { cwd: ctx.cwd },
      subscribers: project.subscribers ?? [],
      env: ctx.env,
      transport,
      compile: defaultCompile,
      test: { to, as: kind === 'subscriber' ? key : undefined, variant },
      now: () => new Date(),
      started,
    });
    const failure = report.failures[0];
    if (report.total.sent !== 1) {
      const why = failure ? `${failure.responseCode ?? ''} ${failure.response}`.trim() : 'not sent';
      return reply(response, 502, { error: withWarnings(`The test was not delivered: ${why}`) });
    }
    const where = transport.kind === 'smtp' ? `through ${transport.destination}` : `into ${transport.destination}`;
    ctx.log(`test message sent ${where}`);
    return reply(response, 200, { message: withWarnings(`Test sent to ${to.trim()} ${where}.`) });
  } catch (error) {
    if (!(error instanceof RolecastError)) throw error;
    const status = error.code === 'E_USAGE' ? 400 : 502;
    return reply(response, status, {
      error: withWarnings(`${error.message}${error.hint ? ` — ${error.hint}` : ''}`),
    });
  }
}

/**
 * Browsers name the page that made a request: a write must come from the preview's own origin.
 * Clients that send neither header (curl, scripts) still need the token.
 */
export function crossSiteReason(request: IncomingMessage): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `a request from another site (Sec-Fetch-Site: ${site})`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    const parsed = new URL(origin);
    if (parsed.protocol !== 'http:') return `a request from another origin (${origin})`;
    host = parsed.host;
  } catch {
    return `a request from another origin (${origin})`;
  }
  return host.toLowerCase() === (request.headers.host ?? '').toLowerCase()
    ? undefined
    : `a request from another origin (${origin})`;
}

/**
 * The loopback, or a connection whose two ends are one address: a browser on this machine opening
 * the URL printed for `--host 192.168.1.5` comes from 192.168.1.5, not from 127.0.0.1.
 */
export function fromThisMachine(remote: string | undefined, local?: string | undefined): boolean {
  if (remote === undefined) return false;
  const bare = (address: string) => address.replace(/^::ffff:/i, '').toLowerCase();
  return isLoopbackHost(bare(remote)) || (local !== undefined && bare(remote) === bare(local));
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end even when too large, so the 413 reaches the client.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () =>
      size > MAX_BODY ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}
