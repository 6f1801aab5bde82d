import { homedir } from 'node:os';
import { join } from 'node:path';
import { RolecastError } from '../errors.js';

/**
 * The one place that reads process.env. Secrets stay here and in the objects returned: nothing
 * prints them, and `redactUrl` is what any log of the SMTP URL must go through.
 */
export interface Environment {
  smtpUrl: string | undefined;
  /** `postgres://…`: state shared by every host (see src/db/postgres.ts); unset: the SQLite state file. */
  databaseUrl: string | undefined;
  secret: string | undefined;
  /**
   * Keys ROLECAST_SECRET replaced (ROLECAST_SECRET_PREVIOUS, separated by commas or spaces): links
   * signed with them still verify at serve; nothing is signed with them.
   */
  previousSecrets: string[];
  /** Unset when none of the three DKIM variables is; `missing` names those left out when only some are. */
  dkim: DkimEnvironment | undefined;
  isCI: boolean;
  isTTY: boolean;
  /** Secrets of the provider webhooks `serve` answers; a provider without its secret is not served. */
  webhooks: WebhookSecrets;
  /** Test hook (ROLECAST_TEST_STATE_GROWTH_PAGES): the state file may grow by this many pages, then is "full". */
  stateGrowthLimitPages?: number | undefined;
  /** Test hook (ROLECAST_TEST_LEASE_MS): a send worker's lease, instead of 30 s. */
  workerLeaseMs?: number | undefined;
  /** Test hook (ROLECAST_TEST_WORKER_BATCH): readers a send worker claims at once. */
  workerBatch?: number | undefined;
}

export type DkimEnvironment = { keyFile: string; domain: string; selector: string } | { missing: string[] };

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    smtpUrl: env.SMTP_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    secret: env.ROLECAST_SECRET || undefined,
    previousSecrets: (env.ROLECAST_SECRET_PREVIOUS ?? '').split(/[\s,]+/).filter(Boolean),
    dkim: readDkimVariables(env),
    isCI: env.CI === 'true' || env.CI === '1',
    isTTY: Boolean(process.stdout.isTTY),
    webhooks: readWebhookSecrets(env),
    stateGrowthLimitPages: wholeNumber(env.ROLECAST_TEST_STATE_GROWTH_PAGES),
    workerLeaseMs: wholeNumber(env.ROLECAST_TEST_LEASE_MS),
    workerBatch: wholeNumber(env.ROLECAST_TEST_WORKER_BATCH),
  };
}

const DKIM_VARIABLES = ['ROLECAST_DKIM_KEY_FILE', 'ROLECAST_DKIM_DOMAIN', 'ROLECAST_DKIM_SELECTOR'] as const;

/**
 * Some of the DKIM variables set and not all is kept as what is missing, not read as "no DKIM":
 * messages would go out unsigned while the sender meant to sign them.
 */
function readDkimVariables(env: NodeJS.ProcessEnv): DkimEnvironment | undefined {
  const [keyFile, domain, selector] = DKIM_VARIABLES.map((name) => env[name] || undefined);
  if (keyFile && domain && selector) return { keyFile, domain, selector };
  const missing = DKIM_VARIABLES.filter((name) => !env[name]);
  return missing.length === DKIM_VARIABLES.length ? undefined : { missing };
}

export interface WebhookSecrets {
  /** Amazon SNS topic ARNs (comma-separated) whose signed notifications are accepted. */
  snsTopicArns: string[];
  /** `user:password` the Postmark webhook URL carries as HTTP basic auth. */
  postmarkAuth: string | undefined;
  /** SendGrid's verification key (base64 DER, as its settings page shows it). */
  sendgridPublicKey: string | undefined;
  /** Mailgun's HTTP webhook signing key. */
  mailgunSigningKey: string | undefined;
}

function readWebhookSecrets(env: NodeJS.ProcessEnv): WebhookSecrets {
  return {
    snsTopicArns: (env.ROLECAST_SNS_TOPIC_ARNS ?? '')
      .split(',')
      .map((arn) => arn.trim())
      .filter(Boolean),
    postmarkAuth: env.ROLECAST_POSTMARK_WEBHOOK_AUTH || undefined,
    sendgridPublicKey: env.ROLECAST_SENDGRID_WEBHOOK_KEY || undefined,
    mailgunSigningKey: env.ROLECAST_MAILGUN_SIGNING_KEY || undefined,
  };
}

function wholeNumber(raw: string | undefined): number | undefined {
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Tokens never expire and their payload is guessable, so the key must resist offline guessing. */
export const MIN_SECRET_LENGTH = 32;

/** Throws when ROLECAST_SECRET is set but too short to sign unsubscribe tokens safely. */
export function assertStrongSecret(secret: string | undefined): void {
  if (secret === undefined) return;
  const hint = `use at least ${MIN_SECRET_LENGTH} random characters, e.g. the output of: openssl rand -base64 32`;
  if (secret.length < MIN_SECRET_LENGTH)
    throw new RolecastError('E_USAGE', `ROLECAST_SECRET is too short (${secret.length} characters)`, { hint });
  // A placeholder ("aaaa…", 32 spaces) has the length and none of the randomness; random hex has 16.
  if (new Set(secret).size < MIN_SECRET_VARIETY)
    throw new RolecastError('E_USAGE', `ROLECAST_SECRET repeats a few characters: it is not a random key`, { hint });
}

/** Throws when a key of ROLECAST_SECRET_PREVIOUS is too weak, naming its place in the list (never the key). */
export function assertStrongPreviousSecrets(secrets: readonly string[]): void {
  secrets.forEach((secret, index) => {
    try {
      assertStrongSecret(secret);
    } catch (error) {
      if (!(error instanceof RolecastError)) throw error;
      throw new RolecastError(
        'E_USAGE',
        error.message.replace('ROLECAST_SECRET', `key ${index + 1} of ROLECAST_SECRET_PREVIOUS`),
        { hint: `${error.hint ?? ''}; list only keys ROLECAST_SECRET once was, separated by commas or spaces` },
      );
    }
  });
}

/** Distinct characters a key must hold: random hex or base64 of the least length has far more. */
const MIN_SECRET_VARIETY = 8;

function hasHost(url: string): boolean {
  try {
    return new URL(url).hostname !== '';
  } catch {
    return false;
  }
}

/**
 * smtp://user:secret@host → smtp://user:***@host, for messages a human will read. A URL that does
 * not parse (a password with "/" or "#") is masked from "://" to the last "@", never echoed.
 */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  const scheme = url.indexOf('://');
  // Without an "@" a URL holds no credentials only if it reads as one: a value that does not may be
  // a password pasted into the wrong variable, or credentials whose "@" was escaped as %40.
  if (at < 0) return hasHost(url) ? url : `${scheme < 0 ? '' : url.slice(0, scheme + 3)}*** (not shown)`;
  const userinfo = url.slice(scheme < 0 ? 0 : scheme + 3, at);
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const prefix = scheme < 0 ? '' : url.slice(0, scheme + 3);
  // A user name holding the password (a provider's token given as both, as Postmark asks) is no more shown than it.
  // Compared as decoded: either copy may be percent-encoded where the other is not.
  const password = decoded(colon < 0 ? '' : userinfo.slice(colon + 1));
  const hidden = user.includes('/') || (password.length >= 4 && decoded(user).includes(password));
  return `${prefix}${hidden ? '***' : user}${colon < 0 ? '' : ':***'}@${url.slice(at + 1)}`;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Where this user's commands note how far each state file was written, outside its folder (see
 * src/state/sqlite/outside-note.ts): ROLECAST_CACHE_DIR, else XDG_CACHE_HOME/rolecast, else
 * ~/.cache/rolecast; undefined without a home folder.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string | undefined {
  if (env.ROLECAST_CACHE_DIR) return env.ROLECAST_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'rolecast');
  const folder = homeFolder(home);
  return folder ? join(folder, '.cache', 'rolecast') : undefined;
}

/**
 * The user's home folder, or undefined. Node throws when it cannot tell one (no HOME, and a user id
 * with no entry in /etc/passwd, as a container run as a bare id): the note outside the state folder
 * is only ever a second check, and its absence must stop no command.
 */
function homeFolder(home: () => string): string | undefined {
  try {
    return home() || undefined;
  } catch {
    return undefined;
  }
}
