import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isErased } from '../state/sqlite/suppression-insert.js';
import { type Channel, type DeliveryRecord, openLedger } from './ledger.js';
import { LocalWriteError } from './local-write-error.js';
import type { Halted } from './report.js';
import type { Unrecorded } from './run.js';
import { sqlitePath, stateDamaged, stateUseError } from './state-file.js';
import type { StateDb } from './store.js';

/**
 * What a send does when the record of earlier sends is gone or could not be kept: a stop on a failed
 * write is reported with every message that went out unrecorded, and a state file that vanished
 * while the outbox still holds an issue's messages is pointed out before anything is sent.
 */

/** The report's account of a run stopped by a failed write; the unrecorded list also goes to a side file. */
export function haltedBy(
  halt: { error: unknown; unrecorded: Unrecorded[] },
  context: {
    /** The state file, or another base for the side file; undefined: the report's list is all there is. */
    sideFileBase: string | undefined;
    /** The state's own account of a failed write (see StateStore.explain). */
    explain: (error: unknown) => unknown;
    issueId: string;
    channel: Channel;
    now: () => Date;
    log: (line: string) => void;
  },
): Halted {
  const { error, unrecorded } = halt;
  const converted = error instanceof LocalWriteError ? error : context.explain(error);
  const reason = converted instanceof Error ? converted.message : String(converted);
  if (unrecorded.length === 0 || !context.sideFileBase) return { reason, unrecorded };
  return {
    reason,
    unrecorded,
    unrecordedFile: writeUnrecorded(unrecorded, { ...context, stateFile: context.sideFileBase }),
  };
}

/**
 * Appends the unrecorded messages beside the state file, one JSON object a line, so they survive
 * the terminal; on the same full disk this usually fails too, and the printed list is all there is.
 */
function writeUnrecorded(
  unrecorded: Unrecorded[],
  context: { stateFile: string; issueId: string; channel: Channel; now: () => Date },
): string | undefined {
  const file = unrecordedFileOf(context.stateFile);
  const at = context.now().toISOString();
  const lines = unrecorded.map((u) =>
    JSON.stringify({ issueId: context.issueId, channel: context.channel, ...u, at } satisfies UnrecordedLine),
  );
  try {
    appendFileSync(file, `${lines.join('\n')}\n`);
    return file;
  } catch {
    return undefined;
  }
}

export interface UnrecordedLine extends Unrecorded {
  issueId: string;
  channel: Channel;
  at: string;
}

/**
 * The side file a stopped run lists its unrecorded messages in: beside the file a link leads to, as
 * SQLite keeps its log, so a next run that names the state file another way still finds it.
 */
export function unrecordedFileOf(stateFile: string): string {
  return `${sqlitePath(stateFile)}.unrecorded.jsonl`;
}

/**
 * The side file, and for a state path that is a link the one beside the link too: earlier releases
 * listed the messages there, and a next run that missed them would send them again.
 */
function unrecordedFilesOf(stateFile: string): string[] {
  const file = unrecordedFileOf(stateFile);
  const besideLink = `${stateFile}.unrecorded.jsonl`;
  return besideLink === file ? [file] : [file, besideLink];
}

/**
 * Before a send plans: messages an earlier run listed as accepted but not recorded are recorded as
 * sent now, so they are not sent twice, and the side file is renamed `….replayed-<time>`. A line
 * that is not such a record makes the whole file untrustworthy: refused, like a damaged state file.
 * Returns how many were recorded.
 */
export function replayUnrecorded(db: StateDb, stateFile: string, now: () => Date): number {
  const file = unrecordedFileOf(stateFile);
  const entries = readUnrecorded(stateFile);
  if (entries.length === 0) return 0;
  try {
    db.transaction(() => {
      for (const e of entries) {
        // An address erased since the run stopped is not written back: it is suppressed anyway.
        if (isErased(db, e.email)) continue;
        openLedger(db, e.issueId, e.channel, now).record(unrecordedEntry(e, file));
      }
    })();
    setUnrecordedAside(stateFile, now());
  } catch (error) {
    throw stateUseError(stateFile, error);
  }
  return entries.length;
}

/** The ledger row of a message a stopped run listed as accepted: sent, with where it came from. */
export function unrecordedEntry(line: UnrecordedLine, file: string): Omit<DeliveryRecord, 'updatedAt'> {
  return {
    email: line.email,
    variantId: line.variantId,
    status: 'sent',
    messageId: line.messageId,
    responseCode: 250,
    response: `accepted at ${line.at}; recorded from ${basename(file)}`,
    attempts: 1,
  };
}

/** Renames the side files of `stateFile` once their lines are recorded, so they are never replayed twice. */
export function setUnrecordedAside(stateFile: string, now: Date): void {
  for (const file of unrecordedFilesOf(stateFile))
    if (existsSync(file)) renameSync(file, `${file}.replayed-${now.toISOString().replace(/[:.]/g, '-')}`);
}

/**
 * The messages an earlier run listed as accepted but not recorded; empty when there is no such file.
 * A dry run counts them as sent without writing anything; a real run records them first.
 */
export function readUnrecorded(stateFile: string): UnrecordedLine[] {
  return unrecordedFilesOf(stateFile).flatMap(readSideFile);
}

function readSideFile(file: string): UnrecordedLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter((l) => l.line !== '')
    .map(({ line, number }) => {
      const entry = parseLine(line);
      if (!entry) throw stateDamaged(file, `line ${number} is not a record of an unrecorded message`);
      return entry;
    });
}

function isChannel(value: string): value is Channel {
  return value === 'smtp' || value === 'outbox' || value.startsWith('outbox:');
}

function parseLine(line: string): UnrecordedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const v = value as Partial<Record<keyof UnrecordedLine, unknown>> | null;
  const text = (x: unknown): x is string => typeof x === 'string' && x !== '';
  if (!v || !text(v.issueId) || !text(v.email) || !text(v.variantId) || !text(v.messageId) || !text(v.at))
    return undefined;
  if (typeof v.channel !== 'string' || !isChannel(v.channel)) return undefined;
  return {
    issueId: v.issueId,
    channel: v.channel,
    email: v.email,
    variantId: v.variantId,
    messageId: v.messageId,
    at: v.at,
  };
}

/**
 * A missing or empty state file with `.eml` files of the issue in its outbox folder, or a WAL file
 * left without its database, means the record of an earlier run is gone: this run would send again
 * to everyone it reached. Said before sending, so the person can stop and restore the file.
 */
export function warnIfStateLost(
  stateFile: string,
  outboxFolders: readonly string[],
  issueId: string,
  log: (line: string) => void,
): void {
  const size = fileSize(stateFile);
  if (size !== undefined && size > 0) return;
  const state = size === undefined ? 'is missing' : 'is empty';
  const wal = `${sqlitePath(stateFile)}-wal`;
  if (size === undefined && existsSync(wal)) {
    log(
      `warning: the state file ${stateFile} ${state} but its journal ${wal} is there: an earlier run's record may be lost — stop now and restore the state file from a backup if ${issueId} was already sent`,
    );
    return;
  }
  for (const folder of outboxFolders) {
    const count = emlCount(folder);
    if (count === 0) continue;
    log(
      `warning: the state file ${stateFile} ${state}, but ${folder} holds ${count} .eml file(s) of ${issueId} from an earlier run — if that record was lost, stop now and restore the state file from a backup; otherwise every reader is sent ${issueId} as if for the first time`,
    );
    return;
  }
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

function emlCount(folder: string): number {
  try {
    return readdirSync(folder).filter((name) => name.endsWith('.eml')).length;
  } catch {
    return 0;
  }
}
