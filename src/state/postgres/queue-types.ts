/** The shapes of the PostgreSQL work queue of cooperating `send` workers (see queue.ts). */
import type { PlanParts } from './plan-differences.js';
import type { KeptReadersCheck, OpenedPlan, PlanProposal, QueueWorker } from './queue-plan.js';

export interface QueueOptions {
  issueId: string;
  channel: string;
  worker: QueueWorker;
  /** How long a claim or heartbeat holds items; a worker silent for longer loses them. */
  leaseMs: number;
  /** Milliseconds since the epoch; default the database's clock. */
  clock?: (() => number) | undefined;
  /**
   * When the database server last started (ms since the epoch); default its own
   * pg_postmaster_start_time(), or no restart at all when `clock` is given.
   */
  serverStartedAt?: (() => number) | undefined;
  /** A send lock held on another host does not keep this worker out (`--break-lock`). */
  breakLock?: boolean | undefined;
}

export interface ClaimedItem {
  seq: number;
  email: string;
  variantId: string;
  /** How many times the item was claimed, this claim included: above 1, a worker lost it before. */
  claims: number;
  /** Added to the suppression list since the plan was written: skipped, not sent. */
  suppressed: boolean;
  /** Tries so far and how many of them a server greylisted, when a worker handed the item back (else 0). */
  tries: number;
  greylists: number;
}

export type ItemOutcome =
  | { seq: number; email: string; variantId: string; status: 'skipped' }
  | {
      seq: number;
      email: string;
      variantId: string;
      status: 'sent' | 'failed' | 'deferred';
      messageId: string | null;
      responseCode: number | null;
      response: string | null;
      attempts: number;
      updatedAt: string;
    }
  /**
   * Greylisted: back to the plan, unleased, not taken by any worker before `retryMs` has passed (by the
   * database's clock), with its tries so far; nothing in the ledger yet.
   */
  | {
      seq: number;
      email: string;
      variantId: string;
      status: 'later';
      retryMs: number;
      tries: number;
      greylists: number;
    };

export interface QueueProgress {
  items: number;
  open: number;
  /** Open items leased to other workers whose lease has not run out. */
  leasedElsewhere: number;
  /** When the next of those leases runs out or a greylisted item may be taken again, and the queue's time now (ms). */
  nextExpiry: number | null;
  now: number;
}

export interface SendQueue {
  /**
   * Joins the open plan with this fingerprint, or writes a new one from `propose` (given the ledger).
   * `keyCheck` is a keyed hash of the signing secret ('' without one): a live worker with another is refused.
   * `kept`: for readers from the subscriber store, what joining the plan whose kept readers were taken needs.
   */
  openPlan(
    fingerprint: string,
    propose: (recorded: Map<string, string>) => PlanProposal,
    keyCheck?: string,
    kept?: KeptReadersCheck,
    /** What this worker's plan is made of: stored with a plan it writes, compared when it is refused. */
    parts?: PlanParts,
  ): Promise<OpenedPlan>;
  /** Renews this worker's heartbeat and leases: the items it still holds, and how many workers are live. */
  heartbeat(): Promise<{ held: Set<number>; liveWorkers: number }>;
  /**
   * Up to `limit` open items whose lease is free or ran out, leased to this worker. `holding`: the
   * items this worker knows it holds; any other item leased to it (a claim whose answer was lost) is
   * taken again, since its heartbeat would otherwise renew that lease for ever with nobody sending;
   * an item in `holding` still leased to it is never returned, even once its lease ran out.
   * Without `holding`, items leased to this worker are left as they are.
   */
  claim(limit: number, holding?: Iterable<number>): Promise<ClaimedItem[]>;
  /** Records outcomes in the ledger and marks their items done, in one statement; `lost`: items another worker had claimed meanwhile. */
  complete(outcomes: readonly ItemOutcome[]): Promise<{ lost: number }>;
  /** Turns the deferred rows of parked refusals (done already) into failed ones: shown to be about their readers. */
  failParked(outcomes: readonly ItemOutcome[]): Promise<void>;
  progress(): Promise<QueueProgress>;
  /**
   * Marks items done without their ledger rows, for outcomes the ledger refused: no worker sends them
   * again, and the rows come from this host's side file on its next send (replayUnrecordedIntoQueue).
   */
  markDone(seqs: readonly number[]): Promise<void>;
  /**
   * Gives up this worker's unfinished items at once (a clean exit) and marks it stopped; items in
   * `keep` (sent, not recorded) keep their lease until it runs out.
   */
  release(keep?: readonly number[]): Promise<number>;
  /** Ends the run record once no item is open: complete, or failed when some reader was not reached. */
  /** `keepResendOpen`: the plan covers part of the list, so a resend it completes is not complete (see the contract). */
  finishRun(outcomeIfOpen: string | undefined, keepResendOpen?: boolean): Promise<string | undefined>;
  /** Statements sent to the database so far. */
  roundTrips(): number;
}
