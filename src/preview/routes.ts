import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { canonicalAddress } from '../address.js';
import { PREVIEW_CSS, PREVIEW_JS } from './assets.js';
import { emulateDarkMode } from './dark.js';
import { EDITOR_CSS, EDITOR_JS } from './editor-assets.js';
import type { EventHub } from './events.js';
import type { LiveProject } from './live.js';
import { indexPage } from './pages/index-page.js';
import { overlayPage } from './pages/overlay.js';
import { readControls, viewPage } from './pages/view-page.js';
import { buildEml, readerMessage, type ViewKind } from './reader.js';
import { handleWrite, type WriteContext } from './write-routes.js';

/**
 * The preview answers only from what it renders: no route reads a file, so no path can reach the
 * project folder. Anything that looks like traversal is refused before routing. The only writes
 * (POST) are the editor panel's, handled in write-routes.ts behind the Host check.
 */
export interface RouteContext extends WriteContext {
  live: LiveProject;
  hub: EventHub;
  secret: string | undefined;
  /** The host name the server was bound to, accepted in Host headers besides IPs and localhost. */
  boundHost: string;
  log(line: string): void;
}

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// The message is a reader's email: no script at all, images and fonts from the web like a mail app.
const MESSAGE_CSP =
  "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline' https:; font-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

export async function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  ctx: RouteContext,
): Promise<void> {
  const raw = request.url ?? '/';
  const rawPath = raw.split('?')[0] ?? '/';
  const write = request.method === 'POST';
  if (request.method !== 'GET' && request.method !== 'HEAD' && !write)
    return send(response, 405, 'method not allowed', { Allow: 'GET, HEAD, POST' });
  if (!hostAllowed(request.headers.host, ctx.boundHost))
    return send(
      response,
      403,
      'unexpected Host header: open the preview through 127.0.0.1, localhost or the --host name',
    );
  if (looksLikeTraversal(rawPath) && !namesListedReader(rawPath, ctx.live)) return send(response, 400, 'bad path');
  if (write) return handleWrite(request, response, ctx);
  const url = new URL(raw, 'http://preview.invalid');
  let segments: string[];
  try {
    segments = rawPath.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return send(response, 400, 'bad path');
  }
  const [first, second, third, fourth, ...rest] = segments;

  if (first === '__events' && !second) return ctx.hub.connect(response, ctx.live.current().version);
  if (first === '__assets' && !third && second === 'preview.css')
    return send(response, 200, PREVIEW_CSS, { 'Content-Type': 'text/css; charset=utf-8' });
  if (first === '__assets' && !third && second === 'preview.js')
    return send(response, 200, PREVIEW_JS, { 'Content-Type': 'text/javascript; charset=utf-8' });
  if (first === '__assets' && !third && second === 'editor.css')
    return send(response, 200, EDITOR_CSS, { 'Content-Type': 'text/css; charset=utf-8' });
  if (first === '__assets' && !third && second === 'editor.js')
    return send(response, 200, EDITOR_JS, { 'Content-Type': 'text/javascript; charset=utf-8' });
  if (first === 'favicon.ico') return send(response, 204, '');

  const isPage = first === undefined || ((first === 'variant' || first === 'subscriber') && second && !third);
  const isMessage =
    first === 'message' && (second === 'variant' || second === 'subscriber') && third && fourth && rest.length === 0;
  if (!isPage && !isMessage) return send(response, 404, 'not found');

  const latest = ctx.live.current();
  const snapshot = latest.ok ? latest : ctx.live.lastReady();
  const state = {
    version: latest.version,
    run: ctx.hub.run,
    failure: latest.ok ? undefined : latest.problems,
    token: ctx.token,
  };
  if (!snapshot) {
    if (isMessage) return send(response, 503, 'the issue cannot be rendered: see the preview page');
    return sendPage(response, 200, overlayPage(state.failure ?? [], latest.version, ctx.hub.run, first !== undefined));
  }
  if (first === undefined) return sendPage(response, 200, indexPage(snapshot, state));

  const kind = (isMessage ? second : first) as ViewKind;
  const key = (isMessage ? third : second) as string;
  const reader = readerMessage(snapshot, kind, key, { secret: ctx.secret, now: new Date() });
  if (!reader) return send(response, 404, `no ${kind} "${key}" in this issue`);

  if (isPage) {
    const eml = await buildEml(reader.mail);
    return sendPage(
      response,
      200,
      viewPage(snapshot, reader, eml.toString('utf8'), readControls(url.searchParams), state),
    );
  }
  if (fourth === 'html') {
    const html = url.searchParams.get('scheme') === 'dark' ? emulateDarkMode(reader.message.html) : reader.message.html;
    return send(response, 200, html, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': MESSAGE_CSP,
    });
  }
  if (fourth === 'text') return send(response, 200, reader.message.text);
  if (fourth === 'eml') {
    const name = `${snapshot.project.issue.id}-${key}`.replace(/[^A-Za-z0-9._+@-]+/g, '_');
    return send(response, 200, await buildEml(reader.mail), {
      'Content-Type': 'message/rfc822',
      'Content-Disposition': `attachment; filename="${name}.eml"`,
    });
  }
  return send(response, 404, 'not found');
}

/**
 * A `..` segment, a backslash or NUL, however many times percent-encoded, is refused. Two dots
 * inside a segment are not a step up: an address such as john..doe@example.com names a reader the
 * list holds, whose page would otherwise be refused.
 */
export function looksLikeTraversal(path: string): boolean {
  let value = path;
  for (let round = 0; round < 4; round++) {
    if (/\\|\0/.test(value) || value.split('/').includes('..')) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      return true;
    }
    if (decoded === value) return false;
    value = decoded;
  }
  return true;
}

/**
 * A reader's view or message whose address, decoded once as the router decodes it, is a reader of
 * the list: an address may hold `%` or `/` (100%@example.com), which decoded again looks like
 * traversal. The address is only looked up, never a path.
 */
function namesListedReader(rawPath: string, live: LiveProject): boolean {
  const parts = rawPath.split('/').filter(Boolean);
  const key =
    parts[0] === 'subscriber' && parts.length === 2
      ? parts[1]
      : parts[0] === 'message' && parts[1] === 'subscriber' && parts.length === 4
        ? parts[2]
        : undefined;
  if (key === undefined) return false;
  let address: string;
  try {
    address = decodeURIComponent(key);
  } catch {
    return false;
  }
  if (/\0/.test(address)) return false;
  const snapshot = live.current().ok ? live.current() : live.lastReady();
  const wanted = canonicalAddress(address);
  return (
    (snapshot?.ok && snapshot.plan?.recipients.some((r) => canonicalAddress(r.subscriber.email) === wanted)) === true
  );
}

/** Against DNS rebinding: a page on another site must not be able to reach the preview under its own name. */
export function hostAllowed(header: string | undefined, boundHost: string): boolean {
  if (!header) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${header}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (isIP(hostname) || hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  return hostname === boundHost.toLowerCase();
}

function sendPage(response: ServerResponse, status: number, body: string): void {
  send(response, status, body, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': PAGE_CSP,
    'X-Frame-Options': 'DENY',
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...headers,
    'Content-Length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}
