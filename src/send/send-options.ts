import type { Environment } from '../config/env.js';
import type { Problem } from '../errors.js';
import type { StateLocation } from '../state/location.js';
import type { Channel } from './channel.js';
import type { Compile } from './compose.js';
import type { SmtpTimeouts } from './transport.js';

/** What a send is asked to do: the issue, its readers, where it goes, and how. */
export interface SendOptions {
  issueDir: string;
  /** Without it, the readers in the subscriber store (see src/store). */
  subscribersFile?: string | undefined;
  configFile?: string | undefined;
  cwd: string;
  /** The process environment (SMTP_URL, ROLECAST_SECRET, DKIM); read only through readEnvironment. */
  env: NodeJS.ProcessEnv;
  segments?: string[] | undefined;
  /** Only these addresses, compared case-insensitively: one wave of a scheduled send. */
  onlyEmails?: ReadonlySet<string> | undefined;
  /**
   * This send is one part of a larger run whose caller holds the send lock and keeps the ledger's
   * run record (a scheduled send: one lock and one record for all its waves), so it neither takes
   * the lock nor starts or finishes a record itself, and leaves load warnings to the caller.
   */
  partOfRun?: boolean | undefined;
  /** With `resend` and `partOfRun`: the start of the caller's resend, whose readers are not sent again. */
  resendSince?: string | undefined;
  /** Take the send lock even from a holder that cannot be checked (another host). */
  breakLock?: boolean | undefined;
  /** SMTP timeouts; the defaults suit real servers, tests shorten them. */
  smtpTimeouts?: Partial<SmtpTimeouts> | undefined;
  dryRun?: boolean | undefined;
  /** Write `.eml` files here instead of sending, even when SMTP_URL is set. */
  outbox?: string | undefined;
  /** Send one message to `to`, rendered as subscriber `as` would get it (else the editor edition). */
  test?: { to: string; as?: string | undefined } | undefined;
  concurrency?: number | undefined;
  /** Messages per second; 0 or Infinity for no limit. */
  ratePerSecond?: number | undefined;
  stateFile?: string | undefined;
  resend?: boolean | undefined;
  retryFailed?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** How often the suppression list is read again while sending (default: every second). */
  lateSuppressionCheckMs?: number | undefined;
  /** How long a message waits for the suppression list to be readable right before it (default: 5 minutes). */
  lookPatienceMs?: number | undefined;
  now?: (() => Date) | undefined;
  progress?: { stream: NodeJS.WritableStream; isTTY: boolean } | undefined;
  /** Notices for the person running the command (where messages go, render warnings). */
  log?: ((line: string) => void) | undefined;
  /** Told of each warning logged before sending, so the end of the run can count them. */
  onWarning?: ((problem: Problem) => void) | undefined;
  /** Refuse to send (exit 2, nothing sent) when loading or the audience audit found any warning. */
  strict?: boolean | undefined;
  /** The render stage; replaceable in tests. */
  compile?: Compile | undefined;
}

/** What a send resolved from its options and project before it runs: the dry run's and the real run's alike. */
export interface ResolvedSend {
  options: SendOptions;
  env: Environment;
  location: StateLocation;
  localDir: string;
  channel: Channel;
  segments: readonly string[];
  compile: Compile;
  log: (line: string) => void;
  started: number;
  now: () => Date;
}
