import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigSchema, type ResolvedConfig } from '../../src/config/schema.js';
import type { UnsubscribeServer } from '../../src/serve/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { type TempProject, tempProject } from './project.js';

/** A project for one test of `serve` over its state file, and the server the test started. */
export interface ServeProject {
  readonly project: TempProject;
  readonly config: ResolvedConfig;
  /** Where the project's state file is (not created). */
  readonly stateFile: string;
  /** The lines the test's server logged, when the test passes `logged.push` as its log. */
  readonly logged: string[];
  /** The server the test started: closed after the test. */
  server: UnsubscribeServer | undefined;
}

/**
 * A project with the example issue made before each test; after it, the test's server is closed,
 * then `close` runs (what the test opened: its state file, a lock holder), then the project is removed.
 */
export function useServeProject(close: () => void = () => {}): ServeProject {
  let current: Omit<ServeProject, 'server'> | undefined;
  const serve = {
    server: undefined as UnsubscribeServer | undefined,
    get project() {
      return made().project;
    },
    get config() {
      return made().config;
    },
    get stateFile() {
      return made().stateFile;
    },
    get logged() {
      return made().logged;
    },
  };
  function made() {
    if (!current) throw new Error('the project is made before each test');
    return current;
  }
  beforeEach(async () => {
    const project = await tempProject({ withExample: true });
    const config = await loadConfig({ cwd: project.dir });
    current = { project, config, stateFile: join(config.stateDirAbs, 'state.db'), logged: [] };
  });
  afterEach(async () => {
    await serve.server?.close();
    serve.server = undefined;
    close();
    await current?.project.cleanup();
    current = undefined;
  });
  return serve;
}

/** A one-click unsubscribe (RFC 8058) of `email` posted to `server`, its link signed for `config`'s list. */
export function postOneClick(
  server: UnsubscribeServer,
  config: Pick<ResolvedConfig, 'listId'>,
  secret: string,
  email: string,
): Promise<Response> {
  return fetch(`${new URL(server.url).origin}${oneClickPath(config, secret, email)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: ONE_CLICK_BODY,
  });
}

/** The body of an RFC 8058 one-click unsubscribe. */
export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

/** The unsubscribe link's path and token for `email`, as its message's List-Unsubscribe carries it. */
export function oneClickPath(config: Pick<ResolvedConfig, 'listId'>, secret: string, email: string): string {
  return `/unsubscribe?token=${encodeURIComponent(signToken({ email, listId: config.listId }, secret))}`;
}

/** What serve reads of a config, without a project: the brand named, its colours the config's defaults. */
export function serveConfig(
  listId: string,
  brandName: string,
  urls: ResolvedConfig['urls'] = {},
): Pick<ResolvedConfig, 'listId' | 'urls' | 'brand'> {
  return { listId, urls, brand: ConfigSchema.shape.brand.parse({ name: brandName }) };
}
