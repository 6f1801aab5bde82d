import { sqliteBounceStore } from '../../bounces/index.js';
import { assertStrongSecret, readEnvironment } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import { RolecastError } from '../../errors.js';
import { openStateDb, stateFilePath } from '../../send/store.js';
import { DEFAULT_PORT, startUnsubscribeServer, stateSuppressionList } from '../../serve/index.js';
import { createWebhookHandler, webhookPaths } from '../../serve/webhooks/index.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { portOption, stringOption } from '../_shared.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the one-click unsubscribe endpoint (RFC 8058) that messages link to',
  usage: `rolecast serve [--port N (default ${DEFAULT_PORT})] [--host H (default 127.0.0.1)] [--state FILE] [--config FILE]`,
  options: { ...CONFIG_OPTION, port: { type: 'string' }, host: { type: 'string' }, state: { type: 'string' } },
  async run(args, ctx) {
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const { secret, webhooks: webhookSecrets } = readEnvironment(ctx.env);
    if (!secret) {
      throw new RolecastError('E_USAGE', 'ROLECAST_SECRET is not set', {
        hint: 'set ROLECAST_SECRET to the same signing key `rolecast send` uses, so the links in sent messages verify',
      });
    }
    assertStrongSecret(secret);
    if (!config.urls.unsubscribe) {
      print(
        ctx.stderr,
        'warning: urls.unsubscribe is not set in the config, so messages carry only a mailto link; serving /unsubscribe anyway',
      );
    }
    const db = openStateDb(stateFilePath(config, ctx.cwd, stringOption(args, 'state')));
    try {
      const server = await startUnsubscribeServer({
        config,
        secret,
        suppressions: stateSuppressionList(db),
        port: portOption(args) ?? DEFAULT_PORT,
        host: stringOption(args, 'host') ?? '127.0.0.1',
        log: (line) => print(ctx.stderr, line),
        webhooks: createWebhookHandler({
          store: sqliteBounceStore(db),
          secrets: webhookSecrets,
          softLimit: config.bounces.softLimit,
          secret,
          verpDomain: config.bounces.domain,
          log: (line) => print(ctx.stderr, line),
        }),
      });
      print(ctx.stdout, `unsubscribe endpoint listening on ${server.url}`);
      if (config.urls.unsubscribe) print(ctx.stdout, `public address (from the config): ${config.urls.unsubscribe}`);
      for (const path of webhookPaths(webhookSecrets))
        print(ctx.stdout, `bounce webhook: ${server.url.replace(server.path, '')}${path}`);
      print(ctx.stdout, `health check: ${server.url.replace(server.path, '')}/healthz — press Ctrl+C to stop`);
      await untilAborted(ctx.signal);
      await server.close();
      print(ctx.stdout, 'stopped');
      return 0;
    } finally {
      db.close();
    }
  },
};

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
