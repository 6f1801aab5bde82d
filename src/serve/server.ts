import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { refuseEmptyHost } from '../_loopback.js';
import type { ResolvedConfig } from '../config/schema.js';
import { HEALTH_PATH, MAX_REQUEST_TARGET, trimmedPath, urlPath, WEBHOOK_PREFIX } from '../config/served-paths.js';
import { RolecastError } from '../errors.js';
import type { ServeRoute } from './click-route.js';
import { capConnections } from './connections.js';
import { type InFlight, inFlightRequests } from './in-flight.js';
import { errorPage, loggableError } from './pages.js';
import { methodNotAllowed, retryLater, send } from './server-answers.js';
import type { SuppressionList } from './suppressions.js';
import { unsubscribeEndpoint } from './unsubscribe-endpoint.js';
import type { WebhookHandler } from './webhooks/index.js';

export interface UnsubscribeServerOptions {
  config: Pick<ResolvedConfig, 'listId' | 'urls' | 'brand'> & Partial<Pick<ResolvedConfig, 'locale'>>;
  secret: string;
  /** Keys `secret` replaced: links in messages sent before a rotation still unsubscribe. */
  previousSecrets?: readonly string[];
  suppressions: SuppressionList;
  port?: number;
  /** 127.0.0.1 unless told otherwise: a reverse proxy in front is the way to the internet. */
  host?: string;
  maxBodyBytes?: number;
  log?: (line: string) => void;
  now?: () => Date;
  /** Connection timeouts; the defaults suit a public endpoint, tests shorten them. */
  timeouts?: Partial<ServerTimeouts>;
  /** Open connections at most; at the cap the longest-idle ones are closed to make room. */
  maxConnections?: number;
  /** Open connections one client (address, or IPv6 /64) may hold; loopback peers, a proxy, are exempt. */
  maxConnectionsPerClient?: number;
  /** Peers the per-client cap leaves alone (default: loopback); tests, on loopback, exempt none. */
  perClientExempt?: (address: string) => boolean;
  /** How often journaled unsubscribes are retried into the database, ms. */
  replayIntervalMs?: number;
  /** Called after each one-click unsubscribe is recorded (the reader store follows an address move). */
  afterUnsubscribe?: (email: string) => Promise<void>;
  /** Further routes (signup, confirmation, preferences, click redirects), each in its own module. */
  routes?: readonly ServeRoute[];
  /** Bounce and complaint webhooks of mail providers, answered under /webhooks/ (see webhooks/). */
  webhooks?: WebhookHandler | undefined;
}

export interface ServerTimeouts {
  /** From connecting to the end of the request headers: cuts off clients that trickle them. */
  headersMs: number;
  /** From connecting to the end of the request body. */
  requestMs: number;
  /** How long an idle keep-alive connection stays open after a response. */
  keepAliveMs: number;
  /** A connection with no traffic at all for this long is closed. */
  idleMs: number;
  /**
   * A request whose answer is still not given this long after it came (a store call that never
   * settles) is answered 503 and closed: well above the longest wait of a write (chained 5 s waits).
   */
  answerMs: number;
}

export interface UnsubscribeServer {
  url: string;
  port: number;
  /** The path the endpoint answers on, from `urls.unsubscribe`. */
  path: string;
  /**
   * Stops taking requests, then has each route write what it holds; a write still waiting when
   * `giveUp` settles (the database did not answer) is left and named by its route.
   */
  close(giveUp?: Promise<unknown>): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024;
export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  idleMs: 15_000,
  answerMs: 60_000,
};
export const DEFAULT_MAX_CONNECTIONS = 256;
/** A browser opens six; a mail provider's one-click POSTs a few more at once. */
export const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 32;
export const DEFAULT_REPLAY_INTERVAL_MS = 30_000;
/**
 * The least time each step of a stop after the requests (writing the clicks held, closing the
 * database) gets, however much of the stop's bound the requests under way took.
 */
export const STOP_SHARE_MS = 1_500;

/** Settles after one step's share of a stop; it keeps no process alive. */
export function stopShare(): Promise<void> {
  return sleep(STOP_SHARE_MS, undefined, { ref: false });
}
const DEFAULT_PATH = '/unsubscribe';

/** The path part of `urls.unsubscribe`, without a trailing slash; `/unsubscribe` when not configured. */
export function endpointPath(unsubscribeUrl: string | undefined): string {
  return unsubscribeUrl ? urlPath(unsubscribeUrl) : DEFAULT_PATH;
}

export async function startUnsubscribeServer(options: UnsubscribeServerOptions): Promise<UnsubscribeServer> {
  const host = options.host ?? '127.0.0.1';
  refuseEmptyHost(host);
  const path = endpointPath(options.config.urls.unsubscribe);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  /** One-click unsubscribes recorded whose answer waits for the carry to a moved reader. */
  const recorded = new WeakSet<ServerResponse>();
  const inFlight = inFlightRequests({
    ms: timeouts.answerMs,
    answer: (response, unsubscribe) => {
      // Not done yet: the address its reader moved to, the one a subscribers file mails, may still be
      // mailed, and only the retry a 503 asks for carries the unsubscribe on to it.
      options.log?.(
        recorded.has(response)
          ? `an unsubscribe was recorded, but carrying it on to the address its reader moved to had no answer after ${seconds(timeouts.answerMs)}: answered 503 (try again), and the retry carries it on`
          : unsubscribe
            ? `an unsubscribe had no answer from the database after ${seconds(timeouts.answerMs)}: answered 503 (try again); its write may still be committed, and a retry then finds it recorded`
            : `a ${response.req.method ?? 'GET'} request had no answer after ${seconds(timeouts.answerMs)}: answered 503 (try again)`,
      );
      retryLater(response, options.config);
    },
  });
  const handler = createHandler({ ...options, path }, inFlight, recorded);
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: Math.max(timeouts.requestMs, timeouts.headersMs),
      keepAliveTimeout: timeouts.keepAliveMs,
      // Node checks the headers and request timeouts only this often (30 s by default).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
    },
    (request, response) => {
      inFlight.track(request, response);
      handler(request, response).catch((error: unknown) => {
        // Answered for it (by the stop, or as it took too long): the handler's own answer came too
        // late and is dropped, but a failure of its own (a store call that rejected at last) is logged.
        if (inFlight.answeredInstead(response)) {
          if (!lateAnswer(error))
            options.log?.(
              `a ${request.method ?? 'GET'} request answered 503 (try again) failed after that: ${loggableError(error)}`,
            );
          return;
        }
        // The client's body never came whole (it hung up, or the request timeout cut it off with a
        // 408): nothing went wrong here, and nobody is left to answer.
        if (bodyCutOff(request, error)) return;
        options.log?.(`unsubscribe endpoint error: ${loggableError(error)}`);
        if (!response.headersSent)
          send(response, 500, errorPage(options.config.brand.name, 'Something went wrong', 'Please try again later.'));
        else response.destroy();
      });
    },
  );
  // A connection silent for this long is destroyed, unless it waits for our answer: a one-click
  // unsubscribe whose writes wait for a state file a send holds is answered, not cut (by 503 at
  // the latest once `answerMs` has passed).
  server.setTimeout(timeouts.idleMs, (socket) => {
    if (!inFlight.answering(socket)) socket.destroy();
  });
  capConnections(server, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, {
    max: options.maxConnectionsPerClient ?? DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
    exempt: options.perClientExempt,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new RolecastError('E_PORT_IN_USE', `port ${options.port ?? DEFAULT_PORT} on ${host} is already in use`, {
            hint: 'pass another --port, or stop the process using it',
          }),
        );
      } else reject(error);
    });
    server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const replay = () => replayPending(options);
  replay();
  const timer = setInterval(replay, options.replayIntervalMs ?? DEFAULT_REPLAY_INTERVAL_MS);
  timer.unref();
  return {
    url: `http://${shownHost}:${port}${path}`,
    port,
    path,
    close: async (giveUp) => {
      try {
        clearInterval(timer);
        const closed = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeIdleConnections();
        // A request under way is answered, never cut: done if the database takes its write by
        // `giveUp`, else asked to come again (a write left waiting may still be committed).
        const stopAnswers = await inFlight.settle(giveUp ?? Promise.resolve(), (response) =>
          retryLater(response, options.config),
        );
        if (stopAnswers.unsubscribes > 0)
          options.log?.(
            `${stopAnswers.unsubscribes} unsubscribe(s) were answered 503 (try again): the database had not answered their write when serve stopped`,
          );
        if (stopAnswers.others > 0)
          options.log?.(`${stopAnswers.others} other request(s) were answered 503 (try again) as serve stopped`);
        server.closeAllConnections();
        await closed;
      } finally {
        // No request comes any more: what a route holds (clicks waiting for the database) is
        // written, however the listener closed, in the rest of the stop's bound and never less
        // than a share of its own, since requests under way may have taken the whole bound.
        const routesBound = giveUp && Promise.all([giveUp, stopShare()]);
        for (const route of options.routes ?? []) await route.close?.(routesBound);
      }
    },
  };
}

/** Moves journaled unsubscribes into the database when it takes writes again; quiet while it does not. */
function replayPending(options: UnsubscribeServerOptions): void {
  try {
    const result = options.suppressions.replayPending?.();
    if (result?.read) options.log?.(`applied ${result.read} journaled unsubscribe(s) (${result.added} new)`);
    if (result?.unreadable)
      options.log?.(`skipped ${result.unreadable} unreadable journal line(s), left by an interrupted write`);
  } catch (error) {
    // A file moved under serve stays so until a restart: the hint says so, every round.
    const hint = error instanceof RolecastError && error.hint ? ` — ${loggableError(error.hint)}` : '';
    options.log?.(`the unsubscribe journal could not be applied yet: ${loggableError(error)}${hint}`);
  }
}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * The request's target as a URL, or undefined when it is not one (`http://[`). A path is read
 * against a fixed origin, and `//host/path` stays a path (`/host/path`), never a host.
 */
function requestUrl(target: string | undefined): URL | undefined {
  const raw = target || '/';
  try {
    return raw.startsWith('/') ? new URL(`http://localhost${raw.replace(/^\/{2,}/, '/')}`) : new URL(raw);
  } catch {
    return undefined;
  }
}

function createHandler(
  options: UnsubscribeServerOptions & { path: string },
  inFlight: InFlight,
  recorded: WeakSet<ServerResponse>,
): Handler {
  const brand = options.config.brand.name;
  const unsubscribe = unsubscribeEndpoint(options, inFlight, recorded, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);

  return async (request, response) => {
    // Every link this server hands out is a few hundred characters; a longer one is not one of them.
    if ((request.url?.length ?? 0) > MAX_REQUEST_TARGET)
      return send(response, 414, errorPage(brand, 'Address too long', 'The address of this request is too long.'));
    const url = requestUrl(request.url);
    if (!url) return send(response, 400, errorPage(brand, 'Bad request', 'The address of this request is not valid.'));
    const method = request.method ?? 'GET';
    const pathname = trimmedPath(url.pathname);

    if (pathname === HEALTH_PATH) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(response, 'GET, HEAD');
      return send(response, 200, '{"status":"ok"}\n', 'application/json; charset=utf-8');
    }
    // The unsubscribe endpoint and the webhooks before the other routes: a click prefix at the root
    // of its host ("/") takes every other path, and must not take a provider's one-click POST.
    if (pathname !== options.path) {
      if (options.webhooks && pathname.startsWith(WEBHOOK_PREFIX)) return options.webhooks(request, response, pathname);
      const route = options.routes?.find((r) => r.matches(pathname));
      if (route) return route.handle(request, response, url);
      return send(response, 404, errorPage(brand, 'Not found', 'There is nothing here.'));
    }
    return unsubscribe(request, response, url);
  };
}

/** Node's error for an answer given after the request was answered already. */
function lateAnswer(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_HTTP_HEADERS_SENT';
}

/** Node's error for a request whose connection closed before its body ended. */
function bodyCutOff(request: IncomingMessage, error: unknown): boolean {
  return !request.complete && (error as { code?: unknown } | null)?.code === 'ECONNRESET';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
