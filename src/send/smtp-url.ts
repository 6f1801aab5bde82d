import { isLoopbackHost } from '../_loopback.js';
import { redactUrl } from '../config/env.js';
import { RolecastError } from '../errors.js';
import type { DkimSettings } from './dkim-key.js';
import { credentialScrubber } from './scrub.js';

/** How long a stalled server may hold a connection; nodemailer's own defaults run to minutes. */
export interface SmtpTimeouts {
  /** To open the TCP connection (and TLS on smtps://). */
  connectionMs: number;
  /** From connecting to the server's greeting. */
  greetingMs: number;
  /** Silence on an open connection, e.g. no reply to DATA; a timeout is a temporary failure. */
  socketMs: number;
  /**
   * The wait for the reply to a message's terminating dot (RFC 5321 asks for 10 minutes): the
   * server may take the message at any moment in it, so a reply that never came is not retried.
   */
  finalReplyMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionMs: 30_000,
  greetingMs: 30_000,
  socketMs: 60_000,
  finalReplyMs: 600_000,
};

export interface SmtpSettings {
  url: string;
  concurrency: number;
  dkim?: DkimSettings | undefined;
  timeouts?: Partial<SmtpTimeouts> | undefined;
  /** send.requireTls: smtp:// goes on only after STARTTLS, to every server, with or without a password. */
  requireTls?: boolean | undefined;
  /** Notices for the person running the command, e.g. credentials the server gave no way to use. */
  log?: ((line: string) => void) | undefined;
}

/** The nodemailer pool options for a parsed SMTP URL: pure, so the settings can be checked in tests. */
export function smtpPoolOptions(parsed: ParsedSmtpUrl, settings: Omit<SmtpSettings, 'url'>) {
  const timeouts = { ...DEFAULT_SMTP_TIMEOUTS, ...settings.timeouts };
  return {
    pool: true as const,
    // `localhost` connects to 127.0.0.1 itself: nodemailer asks DNS for a name before the hosts
    // file, and a resolver that answers it with another address would get the trust given below.
    host: parsed.host.toLowerCase() === 'localhost' ? '127.0.0.1' : parsed.host,
    port: parsed.port,
    secure: parsed.secure,
    ...(parsed.auth ? { auth: parsed.auth } : {}),
    requireTLS: !parsed.secure && tlsRequiredBy(parsed, settings) !== undefined,
    // For the same reason a server on this machine may have a certificate nobody signed: a local
    // relay often offers STARTTLS with one (Debian's Postfix with its "snakeoil" certificate),
    // which would otherwise stop every send.
    ...(isLoopbackHost(parsed.host) ? { tls: { rejectUnauthorized: false } } : {}),
    maxConnections: settings.concurrency,
    maxMessages: Number.POSITIVE_INFINITY,
    maxRequeues: 0,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    logger: false,
  };
}

/**
 * Why an smtp:// connection must upgrade with STARTTLS before anything else is sent, if it must: a
 * password never crosses the network in clear text unless the server is on this machine, and
 * send.requireTls asks it of every server, so that something on the way that removes the
 * STARTTLS offer cannot read the readers' mail either.
 */
export function tlsRequiredBy(
  parsed: ParsedSmtpUrl,
  settings: Pick<SmtpSettings, 'requireTls'>,
): 'setting' | 'password' | undefined {
  if (parsed.secure) return undefined;
  if (settings.requireTls) return 'setting';
  return parsed.auth !== undefined && !isLoopbackHost(parsed.host) ? 'password' : undefined;
}

/**
 * The user name of SMTP_URL as it may be shown, the password taken out of it: some providers
 * (Postmark) take their API token as both the user name and the password.
 */
export function shownUser(url: string, parsed: ParsedSmtpUrl): string | undefined {
  return parsed.auth ? credentialScrubber(url, parsed.auth)(parsed.auth.user) : undefined;
}

export interface ParsedSmtpUrl {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | undefined;
}

export function parseSmtpUrl(url: string): ParsedSmtpUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RolecastError('E_USAGE', `SMTP_URL is not a valid URL: ${redactUrl(url)}`, {
      hint: 'write it as smtp://user:password@host:587 or smtps://user:password@host:465',
    });
  }
  const secure = parsed.protocol === 'smtps:';
  if (!secure && parsed.protocol !== 'smtp:') {
    throw new RolecastError('E_USAGE', `SMTP_URL must start with smtp:// or smtps://, got ${parsed.protocol}//`, {
      hint: 'write it as smtp://user:password@host:587 or smtps://user:password@host:465',
    });
  }
  // Nothing follows the host and port in an SMTP URL: a "#", "?" or "/" there is most likely an
  // unescaped character of the password, which would cut it short and turn the user name into the
  // host. The URL is not shown: what parsed as host and port may be part of the password.
  if (parsed.hash !== '' || parsed.search !== '' || (parsed.pathname !== '' && parsed.pathname !== '/'))
    throw new RolecastError('E_USAGE', 'SMTP_URL has something after the host and port (a "#", "?" or "/")', {
      hint: 'percent-encode special characters in the SMTP user name and password (%23 for #, %3F for ?, %2F for /, %40 for @); nothing was sent',
    });
  const user = decodeCredential(parsed.username, url);
  // A password with no user name would be dropped without a word and no login tried, and a server
  // that wants one would refuse every message. The URL is not shown: all it holds is the password.
  if (!user && parsed.password !== '')
    throw new RolecastError('E_USAGE', 'SMTP_URL has a password but no user name (smtp://:password@host)', {
      hint: 'write the user name before the password, as smtp://user:password@host:587, or take the password out for a server that takes no login; nothing was sent',
    });
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeCredential(parsed.password, url) } : undefined,
  };
}

/** A "%" not followed by two hex digits (a password such as `100%`) cannot be decoded: say how to write it. */
function decodeCredential(value: string, url: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new RolecastError('E_USAGE', `SMTP_URL has a "%" that is not part of an escape: ${redactUrl(url)}`, {
      hint: 'percent-encode special characters in the SMTP user name and password (e.g. %25 for %, %40 for @, %2F for /)',
    });
  }
}
