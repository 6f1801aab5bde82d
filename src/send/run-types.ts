import type { SendMailOptions } from 'nodemailer';
import type { LedgerEntry } from '../state/contract.js';
import type { SharedPermits } from './permits.js';
import type { Clock, RateLimiter } from './rate-limit.js';
import type { RecorderOptions } from './recorder.js';
import type { DeliveryFailure } from './retry.js';
import type { MailTransport } from './transport.js';

/** One message to deliver; built only when a worker picks it up, so 100k jobs cost little memory. */
export interface SendJob {
  email: string;
  variantId: string;
  messageId: string;
  /**
   * Builds the message. A reader set aside for minutes (greylisting) waits without it and it is
   * built again for their next try: a list the server greylists whole would otherwise hold every
   * reader's message at once. What `build` needs is kept until `done`.
   */
  build(): SendMailOptions;
  /** The job is over (recorded, suppressed, or another worker's): never built again. */
  done?(): void;
  /**
   * The reason the reader was suppressed since the plan ('' without one), else undefined: asked
   * before every try, since a retry may come minutes after the first (a reader who unsubscribed,
   * bounced or complained meanwhile is not mailed by it).
   */
  suppressedSince?(): string | undefined;
  /**
   * As `suppressedSince`, after a fresh look where that costs microseconds (SQLite): asked by the
   * transport at the last moment before the message is handed over.
   */
  suppressedNow?(): string | undefined;
  /**
   * Whether this run may still send the message (with send workers: its lease is still this
   * worker's), asked before every try: a greylisted reader comes back minutes later, by when another
   * worker may have taken the reader over and mailed them. False: not tried, nothing recorded.
   */
  stillOurs?(): boolean;
  /** Tries made before this run took the job over (a greylisted reader handed back by a send worker). */
  resumed?: { attempts: number; greylists: number } | undefined;
}

export type JobOutcome =
  | { status: 'sent'; attempts: number; response: string }
  | { status: 'failed' | 'deferred'; attempts: number; failure: DeliveryFailure };

/** Where outcomes go: the ledger of the issue and channel (see DeliveryLedger in src/state/contract.ts). */
export interface LedgerWriter {
  recordMany(entries: readonly LedgerEntry[]): Promise<void> | void;
}

export interface RunOptions {
  transport: MailTransport;
  ledger: LedgerWriter | undefined;
  /** How rows are grouped into ledger writes; see recorder.ts. */
  batch?: Partial<RecorderOptions> | undefined;
  limiter: RateLimiter;
  concurrency: number;
  retries: number;
  retryBaseMs: number;
  signal?: AbortSignal | undefined;
  clock?: Clock;
  random?: () => number;
  /**
   * This many identical permanent refusals in a row, with nothing accepted between, abort the run (see
   * refusalsToAbort); MAILBOX_WORDS_PATIENCE times as many abort it whatever they say.
   */
  sameRefusalLimit?: number;
  /** Commit permits shared by runs over the same connections (a worker's batches); default the run's own. */
  permits?: SharedPermits | undefined;
  /** Whether a message was accepted yet, shared by runs that make up one send (a worker's batches). */
  accepted?: Accepted;
  /** The permanent refusals in a row so far, shared by runs that make up one send (a worker's batches). */
  refusals?: RefusalStreak;
  /**
   * Whether another run of this send may follow (a worker's next batch): refusals still held when
   * this one ends are then deferred, as the next may show them a refusal of everyone.
   */
  moreToCome?: () => Promise<boolean>;
  /** Only throttling replies and nothing accepted for this long stop the run (THROTTLED_OUT_MS). */
  throttledOutMs?: number;
  /** How long a greylisted reader waits before its next try (see greylist.ts). */
  greylistRetryMs?: number | undefined;
  /** The first reader the server greylisted in this run, with its reply. */
  onFirstGreylisted?: ((failure: DeliveryFailure, retryMs: number) => void) | undefined;
  /**
   * Takes a greylisted job off this run instead of its waiting here (send workers: back to the shared
   * plan, for any worker once `retryMs` has passed); the run then neither sends nor records it.
   */
  handBack?: ((job: SendJob, tries: { attempts: number; greylists: number }, retryMs: number) => void) | undefined;
  onOutcome?: (job: SendJob, outcome: JobOutcome) => void;
  /**
   * Reads the suppression list afresh, awaited once a message has its connection and before it is
   * asked whether its reader was suppressed (see LateSuppressions.confirm). Rejects with a
   * LOOK_FAILED error when the list could not be read, or once the run's `signal` is aborted.
   */
  confirmSuppressions?: ((signal?: AbortSignal) => Promise<void>) | undefined;
  /**
   * How often the list is read again in the background (see LateSuppressions): a message's last look
   * older than this, or than a second, is made again before its data.
   */
  lateSuppressionCheckMs?: number | undefined;
  /**
   * After a job's last look failed (`suppressedNow` threw, nothing of its message sent): looks again
   * for a short while (see LateSuppressions.lookAgain); the message is tried once a look succeeded,
   * and the run stops as without it when none did. Absent: the run stops at the first failed look.
   */
  lookAgain?: ((email: string, signal?: AbortSignal) => Promise<void>) | undefined;
  /** A job whose reader was suppressed before one of its tries: nothing sent, nothing recorded. */
  onSuppressed?: (job: SendJob, reason: string) => void;
}

/** A message the server accepted (or the outbox holds) whose ledger row could not be written. */
export interface Unrecorded {
  email: string;
  variantId: string;
  messageId: string;
}

export interface RunResult {
  /**
   * Why the run stopped before the end: the server could not be reached even after a message's
   * retries ran out. Jobs not yet started are left unrecorded, so the next run sends them.
   */
  stopped: string | undefined;
  /**
   * Why the run was aborted: the server refused the sender or the account, not a reader. The
   * refused messages are recorded deferred and the rest left unrecorded, so a later run sends them.
   * Or, starting with MESSAGES_REFUSED, it refused the first messages themselves and took none:
   * those are recorded failed (the next run goes past them), the rest as for a refused account.
   */
  aborted: string | undefined;
  /**
   * A local write failed: the ledger (full disk, I/O error) or an outbox file. No message started
   * after it; those already in flight were recorded when the ledger still took them, else listed.
   */
  halted?: { error: unknown; unrecorded: Unrecorded[] } | undefined;
  /** Readers the server greylisted (see greylist.ts), each counted once however many times. */
  greylisted: number;
  /** See Unjudged. */
  unjudged?: Unjudged | undefined;
}

/** Whether the server took a message of this issue: in this send (`any`), or an earlier run (`before`). */
export interface Accepted {
  any: boolean;
  before?: boolean;
  /** Whether the ledger records a reader mailed now (another send worker's acceptance), asked at the end of the list. */
  elsewhere?: (() => Promise<boolean>) | undefined;
}

/**
 * Permanent refusals in a row with nothing accepted between (see runDeliveries): how many, those held
 * back unrecorded, and the domain probed, if any.
 */
export interface RefusalStreak {
  /** The last one's reply (see refusalKey), and how many in a row gave it. */
  key?: string | undefined;
  same: number;
  /** However many, whatever they said. */
  inARow: number;
  /** They aborted the send: the refusals any run still holds are deferred, not failed. */
  aborted?: boolean;
  /** The refusals not recorded yet, whichever run they came in (see held-refusals.ts). */
  held: HeldRefusal[];
  /** The domain whose readers are held back while readers of others are tried (see runDeliveries). */
  probing?: string | undefined;
  /** Refusals the list ended with, deferred as the server had taken no message of the issue (see Unjudged). */
  unjudged?: Unjudged | undefined;
  /** Readers of other domains greylisted while it was probed: not a sign either way, yet. */
  probesGreylisted?: number;
}

/**
 * Readers refused permanently and alike, fewer than abort a send, at the end of a list no message of
 * which the server (nor another worker's) took: a refusal of everyone looks the same, so they are
 * deferred, not failed. `response`: the last one's reply.
 */
export interface Unjudged {
  readers: number;
  response: string;
  /** Why the ledger could not be read to learn whether another send worker's message was accepted. */
  unread?: string;
}

/** A permanent refusal held until it is known whether it was about its reader (see RefusalStreak). */
export interface HeldRefusal {
  job: SendJob;
  outcome: JobOutcome & { status: 'failed' };
  /** Records it, failed or deferred, through the run it came in. */
  settle(as: 'failed' | 'deferred'): Promise<unknown>;
}
