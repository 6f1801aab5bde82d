import { setTimeout as sleep } from 'node:timers/promises';
import { assertStrongPreviousSecrets, assertStrongSecret, readEnvironment } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import { redactDatabaseUrl } from '../../db/postgres.js';
import { RolecastError } from '../../errors.js';
import { loadTaxonomy } from '../../roles/taxonomy.js';
import { openServeBackend } from '../../serve/backend.js';
import { clickRouteFor } from '../../serve/click-setup.js';
import { clientCapExemption } from '../../serve/connections.js';
import { DEFAULT_PORT, startUnsubscribeServer, stopShare } from '../../serve/index.js';
import { readerRoutes } from '../../serve/routes/index.js';
import { createWebhookHandler, webhookPaths } from '../../serve/webhooks/index.js';
import { stateLocation } from '../../state/location.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, portOption, stringOption } from '../_shared.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve one-click unsubscribe (RFC 8058), signup with double opt-in and the preferences page',
  usage: `rolecast serve [--port N (default ${DEFAULT_PORT})] [--host H (default 127.0.0.1)] [--state FILE] [--config FILE] | serve --print-form`,
  options: {
    ...CONFIG_OPTION,
    port: { type: 'string' },
    host: { type: 'string' },
    state: { type: 'string' },
    'print-form': { type: 'boolean' },
  },
  async run(args, ctx) {
    // Loaded by `serve` alone: the reader mails' transport brings nodemailer, which other commands must not load.
    const { printableForm, readerMailTransport } = await import('../../serve/readers/setup.js');
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const taxonomy = await loadTaxonomy(config.rolesFile);
    if (flag(args, 'print-form')) {
      ctx.stdout.write(printableForm(config, taxonomy));
      return 0;
    }
    const env = readEnvironment(ctx.env);
    const { secret, previousSecrets, webhooks: webhookSecrets } = env;
    if (!secret) {
      throw new RolecastError('E_USAGE', 'ROLECAST_SECRET is not set', {
        hint: 'set ROLECAST_SECRET to the same signing key `rolecast send` uses, so the links in sent messages verify',
      });
    }
    assertStrongSecret(secret);
    assertStrongPreviousSecrets(previousSecrets);
    if (!config.urls.unsubscribe) {
      print(
        ctx.stderr,
        'warning: urls.unsubscribe is not set in the config, so messages carry only a mailto link; serving /unsubscribe anyway',
      );
    }
    const location = stateLocation(config, env, ctx.cwd, stringOption(args, 'state'));
    const backend = await openServeBackend(location, { secret, log: (line) => print(ctx.stderr, line) });
    const { transport, mailer } = await readerMailTransport(config, env, ctx.cwd, (line) =>
      print(ctx.stderr, line),
    ).catch(async (error: unknown) => {
      await backend.close();
      throw error;
    });
    // Checked while serve already listens: a server that greets slowly (Postfix postscreen pauses
    // for seconds) or not at all must not leave one-click unsubscribes unanswered. A failed login
    // still stops serve, once the check fails; a mail asked for meanwhile opens its own connection.
    const loginCheck = transport.verify().then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const { suppressions } = backend;
    let origin = '';
    const readers = readerRoutes({
      config,
      taxonomy,
      store: backend.store,
      limiters: backend.limiters,
      suppressions,
      secret,
      previousSecrets,
      mailer,
      log: (line) => print(ctx.stderr, line),
      origin: () => origin,
    });
    let stopping: Promise<void> | undefined;
    try {
      const server = await startUnsubscribeServer({
        config,
        secret,
        previousSecrets,
        suppressions,
        perClientExempt: clientCapExemption(config.readers.trustProxy),
        afterUnsubscribe: readers.unsubscribed,
        routes: [
          ...readers.routes,
          ...(config.tracking.clicks
            ? [
                clickRouteFor(
                  config,
                  secret,
                  backend.analytics,
                  (line) => print(ctx.stderr, line),
                  undefined,
                  previousSecrets,
                ),
              ]
            : []),
        ],
        port: portOption(args) ?? DEFAULT_PORT,
        host: stringOption(args, 'host') ?? '127.0.0.1',
        log: (line) => print(ctx.stderr, line),
        webhooks: createWebhookHandler({
          store: backend.bounces,
          tokenBindings: backend.tokenBindings,
          secrets: webhookSecrets,
          softLimit: config.bounces.softLimit,
          secret,
          previousSecrets,
          verpDomain: config.bounces.domain,
          listId: config.listId,
          sender: config.sender.email,
          log: (line) => print(ctx.stderr, line),
        }),
      });
      origin = new URL(server.url).origin;
      print(ctx.stdout, `unsubscribe endpoint listening on ${server.url}`);
      if (location.kind === 'postgres')
        print(ctx.stdout, `state: PostgreSQL at ${redactDatabaseUrl(location.url)} (shared with other replicas)`);
      print(ctx.stdout, `signup form: ${origin}${readers.paths.subscribe} (mail goes to ${transport.destination})`);
      if (config.urls.unsubscribe) print(ctx.stdout, `public address (from the config): ${config.urls.unsubscribe}`);
      for (const path of webhookPaths(webhookSecrets))
        print(ctx.stdout, `bounce webhook: ${server.url.replace(server.path, '')}${path}`);
      print(ctx.stdout, `health check: ${server.url.replace(server.path, '')}/healthz — press Ctrl+C to stop`);
      const failed = await Promise.race([loginCheck, untilAborted(ctx.signal)]);
      if (failed) {
        await server.close();
        throw failed.error;
      }
      await untilAborted(ctx.signal);
      stopping = stopBound();
      // The store is closed however the listener closed; its error, if any, is the one reported.
      const unclosed = await server.close(stopping).then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      // Its own share too: requests and clicks that took the whole bound leave the close none.
      await closeWithin(backend, Promise.all([stopping, stopShare()]));
      if (unclosed) throw unclosed.error;
      print(ctx.stdout, 'stopped');
      return 0;
    } finally {
      readers.close();
      await transport.close();
      if (!stopping) await backend.close();
    }
  },
};

/**
 * How long a stop waits for the database (the clicks serve holds, closing its connections): short
 * of the 10 s a container's stop gives before SIGKILL, so what is not written is said first.
 */
export const SERVE_STOP_MS = 5_000;

function stopBound(): Promise<void> {
  return sleep(SERVE_STOP_MS, undefined, { ref: false });
}

/** Closes the store, or stops waiting for it once `bound` settles: then serve ends with E_STATE_UNAVAILABLE. */
async function closeWithin(backend: { close(): Promise<void> }, bound: Promise<unknown>): Promise<void> {
  const late = await Promise.race([backend.close().then(() => false), bound.then(() => true)]);
  if (late)
    throw new RolecastError(
      'E_STATE_UNAVAILABLE',
      `the database did not answer within ${SERVE_STOP_MS / 1000} s of the stop: serve stopped without it`,
      { hint: 'what serve could not write is named above; check the database server' },
    );
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
