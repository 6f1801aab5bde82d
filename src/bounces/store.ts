import type { BounceKind } from './types.js';

/**
 * What the bounce stage needs from storage, and nothing more: a driver per backend implements it
 * (SQLite in store-sqlite.ts; a PostgreSQL one takes the same shape, which is why every call is
 * asynchronous). Addresses are always in `canonicalAddress` form; times are ISO strings.
 */

/** What became of one bounce or complaint. */
export type Outcome = 'suppressed' | 'already suppressed' | 'counted';

export interface BounceRecord {
  eventId: string;
  issueId: string | null;
  email: string;
  kind: BounceKind;
  status: string | null;
  diagnostic: string;
  source: string;
  outcome: Outcome;
  occurredAt: string;
  recordedAt: string;
}

export interface IssueBounceCounts {
  issueId: string;
  /** Messages accepted over SMTP for the issue (the ledger's `sent`, outbox runs left out). */
  sent: number;
  /** The first acceptance, to order issues by. */
  firstSentAt: string | null;
  hard: number;
  soft: number;
  complaints: number;
}

export interface ReaderHistory {
  /** Issues accepted over SMTP for this reader, with when. */
  deliveries: { issueId: string; at: string }[];
  /** Bounces and complaints already recorded for this reader. */
  events: { eventId: string; issueId: string | null; kind: BounceKind; at: string }[];
}

/** What went to the unsubscribe journal because the state file took no writes. */
export interface JournaledInstead {
  /** Suppressions written there, each with its event. */
  entries: number;
  journal: string;
  /** Why the state file refused them. */
  cause: string;
}

export interface BounceStore {
  hasEvent(eventId: string): Promise<boolean>;
  /** False when an event with this id was recorded before (a replay): nothing changes then. */
  insertEvent(record: BounceRecord): Promise<boolean>;
  /** Adds the address to the suppression list; false when it was there already (its record is kept). */
  suppress(email: string, details: { reason: string; source: string; at: string }): Promise<boolean>;
  isSuppressed(email: string): Promise<boolean>;
  history(email: string): Promise<ReaderHistory>;
  /** The delivery a Message-ID belongs to (with or without angle brackets). */
  deliveryByMessageId(messageId: string): Promise<{ issueId: string; email: string } | undefined>;
  /** The Message-IDs of the messages accepted for this reader (their domains are the senders it went out from). */
  messageIdsTo(email: string): Promise<string[]>;
  /** Issue ids with at least one recorded delivery. */
  deliveredIssues(): Promise<string[]>;
  /** Addresses the issue was delivered to (any channel). */
  recipients(issueId: string): Promise<string[]>;
  /** Runs `work` atomically: every write in it lands, or none does. Transactions run one at a time. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  events(filter?: { issueId?: string }): Promise<BounceRecord[]>;
  /** The SQLite state file only: what went to the journal instead, since the store was opened. */
  journaledInstead?(): JournaledInstead | undefined;
  /** Per issue that was sent or drew a bounce, newest first. */
  issueCounts(): Promise<IssueBounceCounts[]>;
}
