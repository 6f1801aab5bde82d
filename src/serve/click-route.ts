import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { isLoopbackHost } from '../_loopback.js';
import { isScannerAgent } from '../analytics/scanners.js';
import type { AnalyticsStore, ClickEvent } from '../analytics/store.js';
import { verifyClickToken, verifyClickVariant } from '../analytics/token.js';
import { decodeSentAt } from '../analytics/track-links.js';
import { DEFAULT_SCANNER_BURST_LINKS, type ResolvedConfig } from '../config/schema.js';
import { isSqliteBusy } from '../db/sqlite-busy.js';
import { RolecastError } from '../errors.js';
import { requestLanguage, translator } from '../i18n/index.js';
import { burstWatch } from './click-bursts.js';
import { waitUntilGiveUp } from './give-up.js';
import { messagePage } from './pages/layout.js';
import { respond } from './routes/_http.js';

/**
 * `GET /c/<token>`: a 302 to the exact target signed in the token, and a click counted when it
 * looks like a reader's. Counting rules (README "Analytics"):
 * - HEAD never counts (it still answers, without a body);
 * - a user agent on the scanner list (or none) never counts;
 * - a click within `scannerWindowSeconds` of its message's send time (`d` in the link) is a
 *   scanner's inspection on delivery and does not count;
 * - the first click of a client (a salted hash of IP and user agent, kept in memory only) on one
 *   link of one message (its variant and send time) within `uniqueWindowMs` is its unique click;
 *   later ones count as repeats;
 * - a client opening `scannerBurstLinks` different links of one message (an issue's role set, sent
 *   at one second) within one second is a scanner checking it late (see click-bursts.ts): its
 *   clicks are withdrawn.
 * A tampered or foreign token gets 400 and no redirect, on a page in the browser's language or the
 * list's (`pages`). A count that cannot be written never
 * breaks the reader's link: the redirect is answered anyway, and the click waits in memory for
 * the next write.
 */

export interface ServeRoute {
  matches(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): void | Promise<void>;
  /**
   * Called once the server stopped taking requests: what the route still holds is written then,
   * waiting for the store no longer than until `giveUp` settles.
   */
  close?(giveUp?: Promise<unknown>): Promise<void>;
}

export interface ClickRouteOptions {
  secret: string;
  /** Keys `secret` replaced (ROLECAST_SECRET_PREVIOUS): article links in mail sent before a rotation still open. */
  previousSecrets?: readonly string[];
  store: AnalyticsStore;
  /** The path prefix of click links, ending in a slash: `/c/`. */
  prefix: string;
  scannerWindowSeconds: number;
  /** Different links of one message a client opens within one second that make it a scanner; 0: off; 4 by default, as in the config. */
  scannerBurstLinks?: number;
  uniqueWindowMs?: number;
  /** Clients remembered for uniqueness at most; the oldest are forgotten first. */
  maxClients?: number;
  /** How long clicks that could not be written wait before they are tried again without a next click, ms. */
  retryMs?: number;
  /** Clicks waiting in memory at most (while the database is busy); later ones are dropped. */
  maxPending?: number;
  /**
   * `readers.trustProxy`: a proxy on another address (a load balancer, a container network) writes
   * the client into X-Forwarded-For; without it every click would share the proxy's address.
   */
  trustProxy?: boolean;
  /** The list's brand and locale, for the page a link that is not valid gets; without them, a line of English. */
  pages?: Pick<ResolvedConfig, 'brand' | 'locale'>;
  now?: () => Date;
  log?: (line: string) => void;
}

export const DEFAULT_UNIQUE_WINDOW_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_CLIENTS = 200_000;

export function clickRoute(options: ClickRouteOptions): ServeRoute {
  const now = options.now ?? (() => new Date());
  const seen = recentClients(
    options.uniqueWindowMs ?? DEFAULT_UNIQUE_WINDOW_MS,
    options.maxClients ?? DEFAULT_MAX_CLIENTS,
  );
  const burst = burstWatch(
    options.scannerBurstLinks ?? DEFAULT_SCANNER_BURST_LINKS,
    options.maxClients ?? DEFAULT_MAX_CLIENTS,
  );
  const { record, withdraw, drain } = pendingWrites(
    options.store,
    options.retryMs ?? DEFAULT_RETRY_MS,
    options.maxPending ?? MAX_PENDING,
    options.log,
  );
  return {
    matches: (pathname) => pathname.startsWith(options.prefix),
    close: drain,
    handle(request, response, url) {
      const method = request.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') {
        response.setHeader('Allow', 'GET, HEAD');
        return plain(response, 405, 'method not allowed\n');
      }
      const token = url.pathname.slice(options.prefix.length);
      if (!token || token.includes('/')) return notValid(request, response, 404, options.pages);
      const signed = verifiedClick(token, [options.secret, ...(options.previousSecrets ?? [])]);
      if (!signed) return notValid(request, response, 400, options.pages);
      const { link, key } = signed;
      // The role set rides beside the token, signed on its own (with the same key); a link whose `v`
      // is missing or altered still redirects, and its click counts without a role set.
      const variant = url.searchParams.get('v');
      const variantId = link.variantId ?? verifyClickVariant(variant, link.issueId, key) ?? '';
      const claims = { ...link, variantId };
      const at = now();
      const agent = request.headers['user-agent'];
      const sentAt = decodeSentAt(url.searchParams.get('d'));
      const tooSoon = sentAt !== undefined && at.getTime() - sentAt.getTime() < options.scannerWindowSeconds * 1000;
      if (method === 'GET' && !isScannerAgent(agent) && !tooSoon) {
        const client = clientAddress(request, options.trustProxy ?? false);
        const address = `${client.address}\n${agent ?? ''}`;
        const event: ClickEvent = { ...claims, at, first: false };
        // A proxy that names no client (no X-Forwarded-For) makes every reader with the same browser
        // one client: their clicks at the same moment are no scanner's burst. A scanner opens the
        // links of the one message it checks, all with its send time (`d`): readers of other role
        // sets, or of the same one sent at another second, behind one address are not it.
        const message = `${link.issueId}\n${variantId}\n${url.searchParams.get('d') ?? ''}`;
        const verdict = client.known
          ? burst(`${address}\n${message}`, token, at.getTime(), event)
          : { count: true, withdraw: [] };
        for (const counted of verdict.withdraw) {
          withdraw(counted);
          // A first click taken back was never counted: the next click on that link is the first.
          seen.forget(counted);
        }
        if (verdict.count) {
          // The first of one client on one link of one message: readers behind one address with one
          // browser whose messages went out at other seconds each count; a reader opening it again does not.
          event.first = seen.first(`${address}\n${token}\n${message}`, event);
          record(event);
        }
      }
      response.writeHead(302, {
        Location: headerSafeUrl(claims.target),
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'Content-Length': 0,
      });
      response.end();
    },
  };
}

/** The link a token carries and the key it verified with: the current one first, then those it replaced. */
function verifiedClick(token: string, keys: readonly string[]) {
  for (const key of keys) {
    const link = verifyClickToken(token, key);
    if (link) return { link, key };
  }
  return undefined;
}

/**
 * Clicks kept in memory while the database is busy (a send writing): written with the next one, or
 * when the retry comes round, so a click needs no later one to be written, and when serve stops.
 */
const MAX_PENDING = 10_000;
const DEFAULT_RETRY_MS = 5_000;
/** How often a stop tries a busy state file again while it may still wait. */
const DRAIN_PAUSE_MS = 50;

function pendingWrites(
  store: AnalyticsStore,
  retryMs: number,
  maxPending: number,
  log?: (line: string) => void,
): {
  record(event: ClickEvent): void;
  withdraw(event: ClickEvent): void;
  drain(giveUp?: Promise<unknown>): Promise<void>;
} {
  /** Writes in order: a click recorded, or one taken back (a scanner's, found out by its next clicks). */
  const pending: { event: ClickEvent; withdraw: boolean }[] = [];
  /** Clicks dropped as the queue was full: never written, so never to be taken back (that would delete a reader's like it). */
  const dropped = new WeakSet<ClickEvent>();
  let warned = false;
  /** A write to a networked store under way: the next ones wait behind it, in order. */
  let writing: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  /** Why the last write failed: a stop waits out a busy file, not a refusal. */
  let lastFailure: unknown;
  const failed = (error: unknown) => {
    lastFailure = error;
    if (!warned) log?.(waitingLine(error));
    warned = true;
    // Tried again on its own: the click must not wait for a reader who may never come.
    if (!retry && !stopped) {
      retry = setTimeout(() => {
        retry = undefined;
        flush();
      }, retryMs);
      retry.unref();
    }
  };
  const flush = (): void => {
    while (!writing && pending.length > 0) {
      let result: void | Promise<void>;
      try {
        const { event, withdraw } = pending[0]!;
        result = withdraw ? store.withdrawClick(event) : store.recordClick(event);
      } catch (error) {
        failed(error);
        return;
      }
      if (result instanceof Promise) {
        writing = result.then(
          () => {
            writing = undefined;
            pending.shift();
            warned = false;
            flush();
          },
          (error: unknown) => {
            writing = undefined;
            failed(error);
          },
        );
        return;
      }
      pending.shift();
    }
    if (pending.length === 0) warned = false;
  };
  return {
    record(event) {
      if (pending.length < maxPending) pending.push({ event, withdraw: false });
      else dropped.add(event);
      flush();
    },
    withdraw(event) {
      if (dropped.has(event)) return;
      // Still waiting (not the one being written): never written at all.
      const waiting = pending.findIndex((write, i) => write.event === event && !(writing && i === 0));
      if (waiting >= 0) pending.splice(waiting, 1);
      else pending.push({ event, withdraw: true });
      flush();
    },
    /** One last try at what waits; what still cannot be written is named, not dropped in silence. */
    async drain(giveUp) {
      stopped = true;
      clearTimeout(retry);
      retry = undefined;
      flush();
      // A write that succeeds starts the next; a state file another program holds (a send's
      // commit) is tried again; any other failure ends the wait, as does `giveUp`: a database
      // that does not answer must not keep serve from stopping.
      await waitUntilGiveUp(
        giveUp,
        () =>
          writing ??
          (giveUp && pending.length > 0 && isSqliteBusy(lastFailure) ? sleep(DRAIN_PAUSE_MS).then(flush) : undefined),
      );
      // One whose write went unanswered may still be written by the database after serve is gone.
      const clicks = pending.filter((write) => !write.withdraw).length;
      if (clicks > 0 && writing)
        log?.(`${clicks} click(s) may not be counted: the database had not answered their write when serve stopped`);
      else if (clicks > 0) log?.(`${clicks} click(s) could not be written before serve stopped and are not counted`);
      const scanned = pending.length - clicks;
      if (scanned > 0) log?.(`${scanned} click(s) of a link scanner could not be taken back and stay counted`);
    },
  };
}

/** A write refused with a hint (the state file moved under serve) says what to do; any other waits out a busy file. */
function waitingLine(error: unknown): string {
  if (error instanceof RolecastError)
    return `clicks wait in memory: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
  return `clicks wait in memory, the state database is busy: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * `first` is true the first time a client is seen within the window. Keys are hashed with a salt
 * drawn per process, so the memory holds no IP address or user agent, and nothing is ever written
 * to disk. `forget` takes back a first click (a scanner's burst withdrawn), unless a later one followed.
 */
function recentClients(
  windowMs: number,
  max: number,
): { first(client: string, event: ClickEvent): boolean; forget(event: ClickEvent): void } {
  const salt = randomBytes(16);
  const lastSeen = new Map<string, number>();
  /** The key each first click set, while it may be taken back. */
  const keyOf = new WeakMap<ClickEvent, string>();
  return {
    first(client, event) {
      const nowMs = event.at.getTime();
      const key = createHash('sha256').update(salt).update(client).digest('base64url');
      const previous = lastSeen.get(key);
      const first = previous === undefined || nowMs - previous >= windowMs;
      if (first) {
        lastSeen.delete(key);
        lastSeen.set(key, nowMs);
        keyOf.set(event, key);
        // A Map iterates in insertion order, so the first key is the oldest.
        if (lastSeen.size > max) lastSeen.delete(lastSeen.keys().next().value!);
      }
      return first;
    },
    forget(event) {
      const key = keyOf.get(event);
      if (key !== undefined && lastSeen.get(key) === event.at.getTime()) lastSeen.delete(key);
    },
  };
}

/**
 * The reader's address: behind a reverse proxy on this machine every request comes from loopback,
 * so the last X-Forwarded-For entry (the one that proxy appended) is the client; so it is from any
 * peer when the config trusts a proxy. Otherwise the header could be forged, and the socket's
 * address is used. `known` is false for a proxy's request that names no client: its address is the proxy's.
 */
function clientAddress(request: IncomingMessage, trustProxy: boolean): { address: string; known: boolean } {
  const peer = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const forwarded = request.headers['x-forwarded-for'];
  const proxied = trustProxy || isLoopbackHost(peer);
  if (!proxied) return { address: peer, known: true };
  const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
  return last ? { address: last, known: true } : { address: peer, known: false };
}

/** The target as signed; a non-ASCII one in its percent-encoded form, which HTTP headers require. */
function headerSafeUrl(target: string): string {
  return /^[\x21-\x7e]+$/.test(target) ? target : new URL(target).href;
}

/** A link serve cannot follow, said in the browser's language or the list's: nothing to redirect to. */
function notValid(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  pages: ClickRouteOptions['pages'],
): void {
  if (!pages) {
    plain(response, status, 'this link is not valid\n');
    return;
  }
  const language = requestLanguage(request.headers['accept-language'], pages.locale);
  const t = translator(language);
  const page = messagePage(
    { brand: pages.brand, language, t },
    t('pages.common.invalidLink.title'),
    t('pages.click.invalid.body'),
  );
  respond(response, status, page);
}

function plain(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
