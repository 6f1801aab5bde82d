import type { Environment } from '../config/env.js';
import { readEnvironment } from '../config/env.js';
import type { ResolvedConfig } from '../config/schema.js';
import { displayPath } from '../load/_display.js';
import type { Project } from '../load/project.js';
import { stateLocation } from '../state/location.js';
import { outboxFolder } from './channel.js';
import type { SendOptions } from './send-options.js';
import {
  createOutboxTransport,
  createSmtpTransport,
  type MailTransport,
  parseSmtpUrl,
  readDkim,
  shownUser,
  tlsRequiredBy,
} from './transport.js';
import { wireSupported } from './wire/pool.js';

/** The transport a send delivers through: SMTP with SMTP_URL, else .eml files in the outbox. */
export async function createTransport(
  project: Project,
  env: Environment,
  options: SendOptions,
  log: (line: string) => void,
): Promise<MailTransport> {
  if (env.smtpUrl && !options.outbox) return smtpTransport(project.config, env, options);
  const dkim = await readDkim(env);
  const folder = outboxFolder(project.config, project.issue.id, options.cwd, options.outbox);
  if (!options.outbox) log(`SMTP_URL is not set: writing messages as .eml files to ${folder} (set SMTP_URL to send)`);
  return createOutboxTransport(folder, { dkim });
}

export async function smtpTransport(
  config: ResolvedConfig,
  env: Environment,
  options: SendOptions,
): Promise<MailTransport> {
  return createSmtpTransport({
    url: env.smtpUrl!,
    concurrency: options.concurrency ?? config.send.concurrency,
    requireTls: config.send.requireTls,
    dkim: await readDkim(env),
    log: options.log,
    // Config first, then what the caller (tests, embedding code) overrides.
    timeouts: {
      connectionMs: config.send.connectionTimeoutMs,
      greetingMs: config.send.greetingTimeoutMs,
      socketMs: config.send.socketTimeoutMs,
      finalReplyMs: config.send.finalReplyTimeoutMs,
      ...options.smtpTimeouts,
    },
  });
}

/** What a real run would deliver through, with the password masked; throws on an invalid SMTP_URL. */
export function describeTransport(project: Project, env: Environment, options: SendOptions): string {
  if (env.smtpUrl && !options.outbox) {
    const parsed = parseSmtpUrl(env.smtpUrl);
    const tls = parsed.secure
      ? 'TLS'
      : tlsRequiredBy(parsed, project.config.send)
        ? 'STARTTLS required'
        : 'STARTTLS when offered';
    const user = shownUser(env.smtpUrl, parsed);
    return `send over SMTP to ${parsed.host}:${parsed.port} (${tls}${user === undefined ? '' : `, as ${user}`})`;
  }
  const folder = outboxFolder(project.config, project.issue.id, options.cwd, options.outbox);
  return `write .eml files to ${displayPath(folder, options.cwd)}${env.smtpUrl ? '' : ' (SMTP_URL is not set)'}`;
}

/**
 * Whether the run opens its first SMTP connection while the issue loads: a real send over SMTP with
 * a SQLite state, and only where the connection can be kept for the run.
 */
export function connectsEarly(config: ResolvedConfig, options: SendOptions): boolean {
  if (options.strict || options.dryRun || options.test || options.partOfRun || options.outbox) return false;
  // Without the wire pool a check cannot keep its connection: an early one would only be made twice.
  if (!wireSupported()) return false;
  try {
    const env = readEnvironment(options.env);
    return Boolean(env.smtpUrl) && stateLocation(config, env, options.cwd, options.stateFile).kind === 'sqlite';
  } catch {
    // A setting that does not read: the run reports it in its place, and connects as it did.
    return false;
  }
}
