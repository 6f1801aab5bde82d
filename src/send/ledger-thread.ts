import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Ledger rows committed on a thread of their own, over its own connection to the state file, so
 * the SQLite work of a send runs beside the one that builds and sends the messages instead of in
 * it. A write resolves only once its transaction is committed, exactly as the synchronous write
 * returns, so the callers' rule stays: a connection gets its next message only after the row of
 * its previous one is in the file. A write that fails rejects with SQLite's error (its code kept,
 * for stateUseError); a thread that dies rejects every write it still holds and every later one.
 */
export interface LedgerThread {
  /** One transaction: `params` holds ten values per row (see ledger.ts), all written or none. */
  write(params: readonly (string | number | null)[]): Promise<void>;
  /** Closes the thread's connection; writes already handed over finish first. */
  close(): Promise<void>;
}

export interface LedgerThreadOptions {
  file: string;
  /** The page limit of the main connection (a growth limit must bind this one too). */
  maxPageCount: number;
  /** The upsert around its row list: `${head}(?, …), (?, …)${tail}`. */
  head: string;
  tail: string;
  /** Rows per statement; a longer write is split, inside the same transaction. */
  rowsPerStatement: number;
}

/** The thread's code: plain CommonJS, so it runs the same from the build and from the sources. */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
let openError;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.pragma('max_page_count = ' + Number(workerData.maxPageCount));
} catch (error) {
  openError = error;
}
const ROW = '(' + new Array(10).fill('?').join(', ') + ')';
const statements = new Map();
const statement = (rows) => {
  let found = statements.get(rows);
  if (!found) {
    found = db.prepare(workerData.head + new Array(rows).fill(ROW).join(', ') + workerData.tail);
    statements.set(rows, found);
  }
  return found;
};
const step = workerData.rowsPerStatement * 10;
const write = (params) => {
  if (params.length <= step) return statement(params.length / 10).run(params);
  for (let at = 0; at < params.length; at += step) {
    const chunk = params.slice(at, at + step);
    statement(chunk.length / 10).run(chunk);
  }
};
let transaction;
parentPort.on('message', (message) => {
  if (message.close) {
    if (db) db.close();
    parentPort.close();
    return;
  }
  try {
    if (openError) throw openError;
    transaction ??= db.transaction(write);
    transaction(message.params);
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    const e = error ?? {};
    parentPort.postMessage({
      id: message.id,
      error: { message: String(e.message ?? e), code: typeof e.code === 'string' ? e.code : undefined, name: e.name },
    });
  }
});
`;

interface Reply {
  id: number;
  error?: { message: string; code: string | undefined; name: string | undefined };
}

export function startLedgerThread(options: LedgerThreadOptions): LedgerThread {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { ...options, driver },
  });
  const pending = new Map<number, { resolve(): void; reject(error: unknown): void }>();
  let nextId = 0;
  let dead: Error | undefined;
  let closed: Promise<void> | undefined;
  // Held open only while writes wait: a run that forgets to close must not hang the process.
  worker.unref();
  const settle = (id: number) => {
    const found = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return found;
  };
  worker.on('message', (reply: Reply) => {
    const found = settle(reply.id);
    if (!reply.error) return found?.resolve();
    const error = Object.assign(new Error(reply.error.message), { code: reply.error.code });
    if (reply.error.name) error.name = reply.error.name;
    found?.reject(error);
  });
  const fail = (error: Error) => {
    dead ??= error;
    for (const id of [...pending.keys()]) settle(id)?.reject(dead);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the ledger thread stopped (exit code ${code})`)));
  return {
    write(params) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, params });
      });
    },
    close() {
      closed ??= dead
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.ref();
            worker.postMessage({ close: true });
          });
      return closed;
    },
  };
}
