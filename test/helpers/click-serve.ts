import { join } from 'node:path';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { clickRouteFor } from '../../src/serve/click-setup.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { type TempProject, tempProject } from './project.js';

/** serve on port 0 with the click route as the config sets it up, over the example project's SQLite state file. */
export interface ClickServe {
  db: StateDb;
  server: UnsubscribeServer;
  origin: string;
  close(): Promise<void>;
}

export async function startClickServe(options: {
  secret: string;
  previousSecrets?: string[];
  now?: () => Date;
  /** Changes to the example project's config. */
  config?: Partial<ResolvedConfig>;
}): Promise<ClickServe> {
  const project: TempProject = await tempProject({ withExample: true });
  const config: ResolvedConfig = { ...(await loadConfig({ cwd: project.dir })), ...options.config };
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const { secret, previousSecrets = [] } = options;
  const server = await startUnsubscribeServer({
    config,
    secret,
    previousSecrets,
    suppressions: stateSuppressionList(db),
    port: 0,
    routes: [clickRouteFor(config, secret, sqliteAnalyticsStore(db), undefined, options.now, previousSecrets)],
  });
  return {
    db,
    server,
    origin: new URL(server.url).origin,
    async close() {
      await server.close();
      db.close();
      await project.cleanup();
    },
  };
}
