import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { loadTaxonomy } from '../../src/roles/taxonomy.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import {
  type ServerTimeouts,
  type SuppressionList,
  startUnsubscribeServer,
  stateSuppressionList,
  type UnsubscribeServer,
} from '../../src/serve/index.js';
import type { ReaderMail } from '../../src/serve/readers/mail.js';
import { type ReaderRoutes, readerRoutes } from '../../src/serve/routes/index.js';
import { type SubscriberStore, sqliteSubscriberStore } from '../../src/store/index.js';
import { type TempProject, tempProject } from './project.js';

/**
 * The reader pages (signup, confirmation, preferences) served from a throwaway project with the
 * example config and a SQLite state file; mail is caught in `mails` and log lines in `logs`.
 */
export interface SignupServer {
  project: TempProject;
  config: ResolvedConfig;
  db: StateDb;
  store: SubscriberStore;
  readers: ReaderRoutes;
  server: UnsubscribeServer;
  origin: string;
  mails: ReaderMail[];
  logs: string[];
  /** Posts a form body as a browser would, without following a redirect. */
  post(path: string, body: string, headers?: Record<string, string>): Promise<Response>;
  /** Mail goes out after the answer: waits for the count (never for a fixed time) and returns it. */
  mailCount(count: number): Promise<number>;
  close(): Promise<void>;
}

export async function startSignupServer(options: {
  secret: string;
  /** Keys links were signed with before `secret` (ROLECAST_SECRET_PREVIOUS): verified, never used to sign. */
  previousSecrets?: readonly string[];
  now: () => Date;
  readers?: Partial<ResolvedConfig['readers']>;
  /** Wraps the store the pages use (to make it fail); `store` stays the plain one. */
  wrap?: (store: SubscriberStore) => SubscriberStore;
  /** Wraps the suppression list the pages and the one-click endpoint use (to make it hang). */
  wrapSuppressions?: (suppressions: SuppressionList) => SuppressionList;
  timeouts?: Partial<ServerTimeouts>;
  maxConnections?: number;
  /** Pauses between tries of a signup's write while the state is locked. */
  busyRetryMs?: readonly number[];
  /** How long the store itself waits for a lock before a write fails busy (5 s by default). */
  writeWaitMs?: number;
  /** The mail server's refusal, for every mail the pages send. */
  refuseMail?: (mail: ReaderMail) => Error;
}): Promise<SignupServer> {
  const project = await tempProject({ withExample: true });
  const loaded = await loadConfig({ cwd: project.dir });
  const config = { ...loaded, readers: { ...loaded.readers, ...options.readers } };
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const store = sqliteSubscriberStore(db, { writeWaitMs: options.writeWaitMs });
  const mails: ReaderMail[] = [];
  const logs: string[] = [];
  const plainSuppressions = stateSuppressionList(db);
  const suppressions = options.wrapSuppressions ? options.wrapSuppressions(plainSuppressions) : plainSuppressions;
  const readers: ReaderRoutes = readerRoutes({
    config,
    taxonomy: await loadTaxonomy(config.rolesFile),
    store: options.wrap ? options.wrap(store) : store,
    suppressions,
    secret: options.secret,
    previousSecrets: options.previousSecrets,
    mailer: {
      send: async (mail) => {
        if (options.refuseMail) throw options.refuseMail(mail);
        mails.push(mail);
      },
    },
    now: options.now,
    log: (line) => void logs.push(line),
    busyRetryMs: options.busyRetryMs,
  });
  const server: UnsubscribeServer = await startUnsubscribeServer({
    config,
    secret: options.secret,
    ...(options.previousSecrets ? { previousSecrets: options.previousSecrets } : {}),
    suppressions,
    port: 0,
    routes: readers.routes,
    afterUnsubscribe: readers.unsubscribed,
    log: (line) => void logs.push(line),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
  });
  const origin = new URL(server.url).origin;
  return {
    project,
    config,
    db,
    store,
    readers,
    server,
    origin,
    mails,
    logs,
    post: (path, body, headers = {}) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
        redirect: 'manual',
      }),
    async mailCount(count) {
      for (let i = 0; i < 200 && mails.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      return mails.length;
    },
    async close() {
      readers.close();
      await server.close();
      db.close();
      await project.cleanup();
    },
  };
}

/** A form body; a list value repeats its field, as checkboxes do. */
export function form(fields: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return body.toString();
}
