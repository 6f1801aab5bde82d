import { performance } from 'node:perf_hooks';
import { sqliteAnalyticsStore } from '../../analytics/store.js';
import { openWaveStore, scheduledChannels as storedChannels } from '../../schedule/store.js';
import { openLedger, readStatus } from '../../send/ledger.js';
import { acquireSendLock } from '../../send/lock.js';
import { stateUseError } from '../../send/state-file.js';
import { replayUnrecorded, unrecordedFileOf } from '../../send/state-loss.js';
import type { StateDb } from '../../send/store.js';
import type { DeliveryLedger, StateStore } from '../contract.js';
import { closeStateDb, fileInPlace, fileMoved } from './file-in-place.js';
import { checkpointAhead, noteGeneration, noteGenerationInBackground } from './generation.js';
import { sqliteSuppressions } from './suppressions.js';

/** How often a send notes its ledger's count beside the file (see generation.ts). */
const NOTE_EVERY_MS = 250;
/**
 * The contract on the SQLite state file: the synchronous code in src/send and src/schedule,
 * answered through promises. Every check that code does (damaged files, full disks, old schemas,
 * the unsubscribe journal) stays where it is.
 */
export function sqliteState(db: StateDb, file: string): StateStore {
  const moved = db.memory || db.readonly ? undefined : fileMoved(file);
  // Before each ledger write: a send whose file was deleted under it stops, its records kept.
  const check = fileInPlace(db, file, moved);
  // Whether the send was already told the file moved (it stopped then): closing says it once more only if not.
  let told = false;
  const inPlace = () => {
    try {
      check();
    } catch (error) {
      told = true;
      throw error;
    }
  };
  const list = sqliteSuppressions(db);
  const suppressions: typeof list = {
    ...list,
    // Also each second a send asks the list again: one waiting (a retry minutes away, a rate limit,
    // the next wave) keeps its records the moment its log is deleted, not at its next write, which a
    // kill may never let come.
    applyJournal: async () => {
      inPlace();
      return list.applyJournal();
    },
  };
  let notedAt = Number.NEGATIVE_INFINITY;
  // The note being written during the run, if any: one at a time, so an older count never lands
  // after a newer one, and awaited before the end of the run and the close note the file whole.
  let noting: Promise<void> | undefined;
  const noteInBackground = () => {
    noting ??= noteGenerationInBackground(db, file).finally(() => {
      noting = undefined;
    });
  };
  return {
    kind: 'sqlite',
    description: file,
    sideFileBase: file,
    ledger(issueId, channel, now) {
      const ledger = openLedger(db, issueId, channel, now);
      return {
        recorded: async () => ledger.recorded(),
        sentSince: async (since) => ledger.sentSince(since),
        maybeDelivered: async () => ledger.maybeDelivered(),
        unfinishedResend: async () => ledger.unfinishedResend(),
        latestStamp: async () => ledger.latestStamp(),
        recordMany: async (entries) => {
          inPlace();
          ledger.recordMany(entries);
          checkpointAhead(db, entries.length);
          // A file write per batch cost a send some of its pace: the note lags the file by a
          // fraction of a second at most, and the end of the run and the close note it whole.
          if (performance.now() - notedAt >= NOTE_EVERY_MS) {
            noteInBackground();
            notedAt = performance.now();
          }
        },
        startRun: async (planned, resendSince) => ledger.startRun(planned, resendSince),
        finishRun: async (outcome, keepResendOpen) => {
          inPlace();
          ledger.finishRun(outcome, keepResendOpen);
          await noting;
          noteGeneration(db, file);
        },
      } satisfies DeliveryLedger;
    },
    status: async (issueId) => readStatus(db, issueId),
    async lock(issueId, options) {
      const lock = acquireSendLock(db, issueId, options);
      return { tookOverFrom: lock.tookOverFrom, leftBy: lock.leftBy, release: async () => lock.release() };
    },
    suppressions,
    waves(issueId, channel, now) {
      const store = openWaveStore(db, issueId, channel, now);
      return {
        register: async (waves) => store.register(waves),
        mark: async (waveUtc, status, detail) => store.mark(waveUtc, status, detail),
        list: async () => store.list(),
      };
    },
    scheduledChannels: async (issueId) => storedChannels(db, issueId),
    recordLayout: async (issueId, layout, at) => sqliteAnalyticsStore(db).recordLayout(issueId, layout, at),
    clickTags: async (issueId) => sqliteAnalyticsStore(db).clickTags(issueId),
    async applyPending(now) {
      // Unsubscribes the endpoint could only journal (database busy) count before anyone is planned.
      const journal = await suppressions.applyJournal();
      const unrecorded = replayUnrecorded(db, file, now);
      return { journal, unrecorded, unrecordedFile: unrecorded > 0 ? unrecordedFileOf(file) : undefined };
    },
    explain: (error, again) => stateUseError(file, error, again),
    async close() {
      // A log deleted since the last check (the end of the run, say) holds every record of the run:
      // with another command's log at the path now, this connection is not the last to close and
      // would drop it. Kept first, as during the run (see fileInPlace); its error is told once closed.
      // With only the index deleted, the log at the path keeps those records for the next command.
      let kept: unknown;
      await noting;
      try {
        const how = told ? undefined : moved?.();
        if (how && (how !== 'log-deleted' || moved?.logItselfMoved())) inPlace();
      } catch (error) {
        kept = error;
      }
      closeStateDb(db, moved);
      if (kept) throw kept;
    },
  };
}
