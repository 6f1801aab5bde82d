import type { LedgerEntry } from '../state/contract.js';

/**
 * Groups ledger rows into short transactions: one write per batch instead of one per message. A
 * batch is written when it holds `maxRows` rows, when every connection waits on it (a message
 * sent without a commit permit keeps its connection until its row is committed, so nothing more
 * can arrive), when a connection waits at a message's end of data for a permit its rows hold
 * (`urgent`, see permits.ts), or `maxDelayMs` after its first row. Writes run one after another;
 * a failed write fails every row of its batch, and the batches after it still try.
 */
export interface RecorderOptions {
  /** Connections of the run: rows holding one each fill them all. */
  concurrency: number;
  maxRows: number;
  maxDelayMs: number;
}

export const DEFAULT_BATCH = { maxRows: 100, maxDelayMs: 5 } as const;

interface Pending {
  row: LedgerEntry;
  resolve(): void;
  reject(error: unknown): void;
}

export interface RecorderHooks {
  /** A connection waits for these rows: write at once. */
  urgent?: () => boolean;
  /** Called as soon as a write failed, before any row of it is rejected. */
  onWriteFailed?: (error: unknown) => void;
}

export interface Recorder {
  /** Resolves once the row is committed; rejects with the write's error. `holdsSlot`: its connection waits. */
  record(row: LedgerEntry, holdsSlot: boolean): Promise<void>;
  /** Starts writing what is waiting now. */
  flush(): void;
  /** Writes what is waiting now and resolves when every write has finished. */
  drain(): Promise<void>;
}

export function createRecorder(
  ledger: { recordMany(entries: readonly LedgerEntry[]): Promise<void> | void } | undefined,
  options: Partial<RecorderOptions> & { concurrency: number },
  hooks: RecorderHooks = {},
): Recorder {
  const maxRows = Math.max(1, options.maxRows ?? DEFAULT_BATCH.maxRows);
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_BATCH.maxDelayMs;
  let pending: Pending[] = [];
  let holding = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = async (batch: Pending[]): Promise<void> => {
    try {
      await ledger!.recordMany(batch.map((p) => p.row));
      for (const p of batch) p.resolve();
    } catch (error) {
      hooks.onWriteFailed?.(error);
      for (const p of batch) p.reject(error);
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    holding = 0;
    writing = writing.then(() => write(batch));
  };
  return {
    record(row, holdsSlot) {
      if (!ledger) return Promise.resolve();
      const done = new Promise<void>((resolve, reject) => pending.push({ row, resolve, reject }));
      if (holdsSlot) holding++;
      if (pending.length >= maxRows || holding >= options.concurrency || maxDelayMs <= 0 || hooks.urgent?.()) flush();
      else timer ??= setTimeout(flush, maxDelayMs);
      return done;
    },
    flush,
    drain() {
      flush();
      return writing;
    },
  };
}
