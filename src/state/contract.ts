import type { IssueLayout } from '../analytics/store.js';
import type { Wave } from '../schedule/plan.js';
import type { StoredWave, WaveStatus } from '../schedule/store.js';
import type { Channel } from '../send/channel.js';
import type { ReplayResult } from '../send/journal.js';
import type { ChannelStatus, DeliveryRecord, DeliveryStatus, RunOutcome } from '../send/ledger.js';
import type { LockHolder, LockOptions } from '../send/lock.js';

/**
 * Everything the send side keeps in the state database, as one asynchronous contract with two
 * implementations: the SQLite state file (`src/state/sqlite`, the default, one host) and
 * PostgreSQL (`src/state/postgres`, shared by several hosts). Both keep the same rows under the
 * same keys, so `rolecast state migrate` copies them as they are.
 */

/** One ledger row to write; the store stamps the time. */
export type LedgerEntry = Omit<DeliveryRecord, 'updatedAt'>;

/** The delivery ledger of one issue and channel. */
export interface DeliveryLedger {
  /** Status of every address already recorded for this issue and channel, keyed canonically. */
  recorded(): Promise<Map<string, DeliveryStatus>>;
  /** Addresses accepted at or after `since` (ISO time): those a resend started then already reached. */
  sentSince(since: string): Promise<Set<string>>;
  /**
   * Addresses (canonical) whose last message went out whole and got no reply: deferred as "may
   * have been delivered", so a run that sends them again may give them a second copy.
   */
  maybeDelivered(): Promise<string[]>;
  /** When the last run was a `--resend` that did not complete: its start, which a new `--resend` resumes. */
  unfinishedResend(): Promise<string | undefined>;
  /** The latest time a row of this issue and channel was written at (ISO), or undefined when none was. */
  latestStamp(): Promise<string | undefined>;
  /**
   * Writes many rows in one transaction (one round trip on PostgreSQL). Rows for the same address
   * in one batch merge: "sent" wins, attempts add up. Against a stored row, the new status
   * replaces the old one and attempts add up. All or nothing: a failure writes none of them.
   */
  recordMany(entries: readonly LedgerEntry[]): Promise<void>;
  /** `resendSince`: this run is a resend of everything sent before that time. */
  startRun(planned: number, resendSince?: string): Promise<void>;
  /**
   * `keepResendOpen`: the run was a resend of part of the list (`--segment`, a wave): completing it
   * does not complete the resend, whose other readers a later `--resend` still owes their copy.
   */
  finishRun(outcome: RunOutcome, keepResendOpen?: boolean): Promise<void>;
}

/** The send lock of one issue, held by the process that took it. */
export interface StateLock {
  /** The holder whose lock `breakLock` took over, for the person running the command. */
  readonly tookOverFrom: LockHolder | undefined;
  /** A holder on this host that is gone without releasing the lock: killed, or its machine went down. */
  readonly leftBy: LockHolder | undefined;
  release(): Promise<void>;
}

export interface SuppressionRecord {
  email: string;
  reason: string | null;
  source: string | null;
  createdAt: string;
}

/** The suppression list as planning reads it: loaded in one query, then answered from memory. */
export interface SuppressionIndex {
  isSuppressed(email: string): boolean;
  /** Why the address is suppressed (bounce, complaint, unsubscribe…); undefined when it is not. */
  reason(email: string): string | undefined;
}

export interface Suppressions {
  /** Adds the address, keeping an existing record (the first reason wins); true when it is new. */
  add(email: string, details?: { reason?: string; source?: string; now?: Date }): Promise<boolean>;
  /**
   * The editor's entries, in one transaction; an address already suppressed (plainly or hashed) is
   * kept, and one its reader unsubscribed becomes the editor's (`takenOver`), which no signup lifts.
   */
  addMany(
    entries: readonly { email: string; reason: string }[],
    source: string,
    now?: Date,
  ): Promise<{ added: number; already: number; takenOver: number }>;
  /** Matches the address, or the `sha256:` entry an erased address (`rolecast subscribers forget`) left. */
  isSuppressed(email: string): Promise<boolean>;
  index(): Promise<SuppressionIndex>;
  /**
   * Entries added after `cursor` (from an earlier answer), and the cursor to ask from next; with
   * no cursor, none, only where the list stands now. A send asks while it runs, so a reader
   * suppressed meanwhile (an unsubscribe, a bounce, `suppress add`) is not mailed. An entry may
   * come back again in a later answer.
   */
  addedSince(
    cursor: string | undefined,
  ): Promise<{ cursor: string; added: { email: string; reason: string | null }[] }>;
  list(): Promise<SuppressionRecord[]>;
  /** Removes the address and its hashed entry; true when there was one. */
  remove(email: string): Promise<boolean>;
  /**
   * Applies unsubscribes `serve` could only journal (SQLite: the file was busy). PostgreSQL has no
   * journal: replicas write there directly, alongside a send.
   */
  applyJournal(): Promise<ReplayResult>;
  /**
   * A look that takes no wait, where the store has one that costs microseconds (SQLite): a send asks
   * it right before each message goes out, so a suppression committed before then stops it.
   */
  readonly instant?: InstantSuppressions;
}

/** See Suppressions.instant. */
export interface InstantSuppressions {
  /** A number that moves whenever another connection committed to the list's store. */
  version(): number;
  /** As Suppressions.addedSince, answered at once. */
  addedSince(cursor: string | undefined): { cursor: string; added: { email: string; reason: string | null }[] };
  /**
   * The reason of a suppression of the address (an unsubscribe, a bounce, a complaint) that waits in
   * the journal `serve` writes when the store is busy, or undefined.
   */
  journaled(email: string): string | undefined;
}

/** The stored waves of one scheduled send (issue and channel). */
export interface ScheduledWaves {
  /**
   * Records the plan's waves, keeping the status of any already stored, and drops stored waves
   * that never started and that the plan no longer has; returns every wave's status.
   */
  register(waves: readonly Wave[]): Promise<Map<string, WaveStatus>>;
  mark(waveUtc: string, status: WaveStatus, detail?: string): Promise<void>;
  list(): Promise<StoredWave[]>;
}

/** What a send applies before it plans: records an earlier run could not write in time. */
export interface Pending {
  /** Accepted messages an earlier run listed as unrecorded, now recorded as sent. */
  unrecorded: number;
  /** Where they were listed (for the notice). */
  unrecordedFile: string | undefined;
  /** Unsubscribes `serve` could only journal. */
  journal: ReplayResult;
}

export interface StateStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The file, or the database URL without its password: for messages. */
  readonly description: string;
  /**
   * Where a stopped run lists the messages it could not record (`<base>.unrecorded.jsonl`): beside
   * the SQLite file, or in the local state folder for PostgreSQL; undefined when there is none.
   */
  readonly sideFileBase: string | undefined;
  ledger(issueId: string, channel: Channel, now?: () => Date): DeliveryLedger;
  /** What `rolecast status` shows: counts per channel and every failure with the server's reply. */
  status(issueId: string): Promise<ChannelStatus[]>;
  /** Takes the send lock of an issue; E_LOCKED while another live process holds it. */
  lock(issueId: string, options?: LockOptions): Promise<StateLock>;
  readonly suppressions: Suppressions;
  waves(issueId: string, channel: string, now?: () => Date): ScheduledWaves;
  /** Channels holding a stored schedule for the issue. */
  scheduledChannels(issueId: string): Promise<string[]>;
  /** Which variant held which summaries, for `rolecast report`. */
  recordLayout(issueId: string, layout: IssueLayout, at: Date): Promise<void>;
  /** What earlier runs of the issue decided on each role set's `?v=` (see Variant.clickTagged). */
  clickTags(issueId: string): Promise<ReadonlyMap<string, boolean>>;
  /** Applies what an earlier run or `serve` could not write in time; see `Pending`. */
  applyPending(now: () => Date): Promise<Pending>;
  /**
   * A failure while using the store, as the person should see it (a full disk, a damaged file, a
   * database gone away: RolecastError); anything else, a bug, is returned as it was. `again`: what
   * running the same command again does, said after the advice to (a send's words by default).
   */
  explain(error: unknown, again?: string): unknown;
  close(): Promise<void>;
}
