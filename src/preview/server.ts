import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { refuseEmptyHost } from '../_loopback.js';
import { readEnvironment } from '../config/env.js';
import { RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { MANIFEST_FILE } from '../load/issue.js';
import { createEventHub } from './events.js';
import { createIssueWriter } from './issue-file.js';
import { startLiveProject } from './live.js';
import { handleRequest } from './routes.js';

export interface PreviewOptions {
  issueDir: string;
  subscribersFile?: string | undefined;
  /** The state file (`--state`): its suppression list and reader store, as `send --state` reads them. */
  stateFile?: string | undefined;
  configFile?: string | undefined;
  cwd?: string | undefined;
  /** Defaults to 127.0.0.1: the preview shows subscriber addresses and must not be public by accident. */
  host?: string | undefined;
  /** A port to use exactly (0: any free one). Left out: the first free port from 4300 up. */
  port?: number | undefined;
  /**
   * The key the shown messages' reader links are signed with. By default, with ROLECAST_SECRET set,
   * a key of this run's own: the links look as sent, but verify nowhere, since anyone who can open
   * the preview could otherwise take any subscriber's working unsubscribe or preferences link.
   */
  secret?: string | undefined;
  /** The environment a test message is sent with (SMTP_URL, DKIM); defaults to the process's. */
  env?: NodeJS.ProcessEnv | undefined;
  debounceMs?: number | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface PreviewServer {
  url: string;
  port: number;
  /** This run's write token: the editor panel sends it with every change. */
  token: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const FIRST_PORT = 4300;
const PORT_ATTEMPTS = 20;

/** Renders the project, watches it, and serves the preview until `close()`. */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const cwd = options.cwd ?? process.cwd();
  const host = options.host ?? DEFAULT_HOST;
  refuseEmptyHost(host);
  const log = options.log ?? (() => {});
  if (!existsSync(resolve(cwd, options.issueDir))) {
    throw new RolecastError('E_NOT_FOUND', `issue folder ${options.issueDir} does not exist`, {
      hint: 'pass the folder that holds issue.json, e.g. issues/2026-W48',
    });
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new RolecastError('E_USAGE', `--port must be between 0 and 65535, got ${options.port}`);
  }
  const env = readEnvironment(options.env);
  // Per run, never written anywhere: only a page this server rendered can know it.
  const token = randomBytes(32).toString('base64url');
  const manifestFile = join(resolve(cwd, options.issueDir), MANIFEST_FILE);
  const writer = createIssueWriter(manifestFile, displayPath(manifestFile, cwd));
  const hub = createEventHub();
  const live = await startLiveProject(
    {
      issueDir: options.issueDir,
      subscribersFile: options.subscribersFile,
      stateFile: options.stateFile,
      configFile: options.configFile,
      cwd,
      env: options.env,
    },
    { debounceMs: options.debounceMs ?? 150, log, onRebuilt: (snapshot) => hub.broadcast(snapshot.version) },
  );
  const linkKey = options.secret ?? (env.secret ? randomBytes(32).toString('base64url') : undefined);
  const server = createServer((request, response) => {
    const ctx = { live, hub, secret: linkKey, boundHost: host, log, token, writer, env, cwd };
    handleRequest(request, response, ctx).catch((error) => {
      log(`${request.method} ${request.url} failed — this is a bug: ${(error as Error).stack ?? error}`);
      if (!response.headersSent)
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      response.end('internal error: see the preview log');
    });
  });
  let port: number;
  try {
    port = await listen(server, host, options.port);
  } catch (error) {
    hub.close();
    await live.close();
    throw error;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    close() {
      closing ??= (async () => {
        hub.close();
        await live.close();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

async function listen(server: Server, host: string, port: number | undefined): Promise<number> {
  if (port !== undefined) {
    try {
      return await listenOnce(server, host, port);
    } catch (error) {
      throw portError(error, host, port);
    }
  }
  for (let candidate = FIRST_PORT; candidate < FIRST_PORT + PORT_ATTEMPTS; candidate++) {
    try {
      return await listenOnce(server, host, candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw portError(error, host, candidate);
    }
  }
  return listenOnce(server, host, 0);
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function portError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new RolecastError('E_PORT_IN_USE', `port ${port} on ${host} is already in use`, {
      hint: 'stop the program using it, pass another --port, or leave --port out to pick a free one',
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new RolecastError('E_USAGE', `cannot listen on ${host}:${port} (${code})`, {
      hint: code === 'EACCES' ? 'ports below 1024 need privileges: pick a higher --port' : 'check the --host value',
      cause: error,
    });
  }
  return error;
}
