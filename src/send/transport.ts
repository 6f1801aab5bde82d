import { createHash, createPrivateKey, createSign } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { isLoopbackHost } from '../_loopback.js';
import { canonicalAddress, needsSmtpUtf8 } from '../address.js';
import type { Environment } from '../config/env.js';
import { redactUrl } from '../config/env.js';
import { RolecastError } from '../errors.js';
import { LocalWriteError } from './local-write-error.js';
import { wirePayloadOf } from './message.js';
import { credentialScrubber, scrubError } from './scrub.js';
import { nameTimeout, silentGreetingHint } from './timeout-names.js';
import { CAP_RAISE_MS } from './wire/connection-cap.js';
import { dkimSignature, signEveryMessage } from './wire/dkim.js';
import {
  createWirePool,
  type DotGate,
  offersLogin,
  quitConnection,
  type WirePool,
  wireSupported,
  withdrawn,
} from './wire/pool.js';
import { headText } from './wire/prepare.js';
import { wholeFormChunks } from './wire/whole-form.js';

export { LocalWriteError } from './local-write-error.js';
export { type DotGate, MESSAGE_WITHDRAWN } from './wire/pool.js';

/** Where messages go: an SMTP server through a connection pool, or `.eml` files in a folder. */
export interface MailTransport {
  kind: 'smtp' | 'outbox';
  /** For people: the SMTP URL with its password masked, or the outbox folder. */
  destination: string;
  /**
   * Checks the connection and credentials; throws E_SMTP_AUTH / E_SMTP_CONNECT. With `keepOpen`
   * (a send about to start) the checked connection is kept for the messages and the others are
   * opened beside it (at most `connections` in all), so the first messages wait on no greeting;
   * otherwise it is quit.
   */
  verify(options?: { keepOpen?: boolean; connections?: number }): Promise<void>;
  /** The largest message the server said it takes (SIZE), once a kept connection said; undefined when unknown or unlimited. */
  maxMessageSize?(): number | undefined;
  /**
   * Resolves once the server accepted the message (2xx), rejects with its error otherwise. A
   * transport that can hold a message's terminating dot asks `gate` right before writing it (the
   * SMTP wire path); the others never ask.
   */
  send(options: SendMailOptions, gate?: DotGate): Promise<{ response: string }>;
  close(): Promise<void>;
}

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export async function readDkim(env: Environment): Promise<DkimSettings | undefined> {
  if (!env.dkim) return undefined;
  if ('missing' in env.dkim) throw partialDkimError(env.dkim.missing);
  let privateKey: string;
  try {
    privateKey = await readFile(env.dkim.keyFile, 'utf8');
  } catch (cause) {
    throw new RolecastError('E_NOT_FOUND', `the DKIM key file ${env.dkim.keyFile} could not be read`, {
      hint: 'check ROLECAST_DKIM_KEY_FILE, or unset it to send without DKIM signing',
      cause,
    });
  }
  // Checked once here, not at every message: a key that cannot sign would fail each reader as if
  // the server had refused them, and be recorded as their permanent failure.
  checkDkimKey(privateKey, env.dkim.keyFile);
  return { domainName: env.dkim.domain, keySelector: env.dkim.selector, privateKey };
}

function partialDkimError(missing: readonly string[]): RolecastError {
  return new RolecastError(
    'E_USAGE',
    `DKIM is only partly set up: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set`,
    {
      hint: 'set ROLECAST_DKIM_KEY_FILE, ROLECAST_DKIM_DOMAIN and ROLECAST_DKIM_SELECTOR to sign with DKIM, or none of them to send unsigned; nothing was sent',
    },
  );
}

/**
 * Signatures say a=rsa-sha256: Node signs with an EC key just as well (ECDSA), and every
 * signature would then fail to verify, so a key of any other type is refused, not only one that
 * cannot sign.
 */
function checkDkimKey(privateKey: string, keyFile: string): void {
  let type: string | undefined;
  let bits: number | undefined;
  try {
    const key = createPrivateKey(privateKey);
    type = key.asymmetricKeyType;
    bits = key.asymmetricKeyDetails?.modulusLength;
    createSign('RSA-SHA256').update('rolecast dkim key check').sign(privateKey);
  } catch (cause) {
    throw new RolecastError('E_USAGE', `the DKIM key in ${keyFile} cannot sign (RSA-SHA256)`, {
      hint: DKIM_KEY_HINT,
      cause,
    });
  }
  if (type !== 'rsa')
    throw new RolecastError(
      'E_USAGE',
      `the DKIM key in ${keyFile} cannot sign rsa-sha256: it is a key of type ${type ?? 'unknown'}, and an RSA key is needed`,
      { hint: DKIM_KEY_HINT },
    );
  // RFC 8301: verifiers must not accept signatures of RSA keys under 1024 bits, which anyone can
  // factor: every message would fail DKIM (Gmail reports "weak-key").
  if (bits !== undefined && bits < MIN_DKIM_BITS)
    throw new RolecastError(
      'E_USAGE',
      `the DKIM key in ${keyFile} is ${bits} bits: verifiers reject RSA keys under ${MIN_DKIM_BITS} bits (RFC 8301)`,
      { hint: DKIM_KEY_HINT },
    );
}

const MIN_DKIM_BITS = 1024;

const DKIM_KEY_HINT =
  'give a PEM RSA private key (openssl genrsa -out dkim.pem 2048), or unset ROLECAST_DKIM_KEY_FILE to send without DKIM; nothing was sent';

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
  /** Notices for the person running the command, e.g. credentials the server gave no way to use. */
  log?: ((line: string) => void) | undefined;
}

/**
 * A pooled SMTP transport from `smtp://user:pass@host:587` (STARTTLS when offered) or
 * `smtps://…:465` (implicit TLS). Retries are ours, not the pool's (`maxRequeues: 0`), so every
 * attempt is counted and backed off; rate limiting is ours too.
 */
export function createSmtpTransport(settings: SmtpSettings): MailTransport {
  const parsed = parseSmtpUrl(settings.url);
  const shown = redactUrl(settings.url);
  const scrub = credentialScrubber(settings.url, parsed.auth);
  const where = `${parsed.host}:${parsed.port}`;
  // Once per transport, however many connections find the same server without AUTH.
  let toldNoLogin = false;
  const loginNotOffered = () => {
    if (toldNoLogin) return;
    toldNoLogin = true;
    settings.log?.(
      `warning: the SMTP server ${where} offers no login (AUTH), so the user name and password in SMTP_URL were not used`,
    );
  };
  const options = smtpPoolOptions(parsed, settings);
  const timeouts = { ...DEFAULT_SMTP_TIMEOUTS, ...settings.timeouts };
  const finalReplyMs = timeouts.finalReplyMs;
  // nodemailer's own pool would send AUTH to a server greeted with HELO all the same, so it is made
  // at its first message, without the credentials once a connection found no login offered.
  let transporter: Transporter | undefined;
  const nodemailerPool = () => {
    const { auth: _unused, ...withoutLogin } = options;
    transporter ??= signEveryMessage(nodemailer.createTransport(toldNoLogin ? withoutLogin : options), settings.dkim);
    return transporter;
  };
  // Messages already in wire form go over connections of their own, without nodemailer's composer
  // and dot-stuffing stream; anything else (and an incompatible nodemailer) takes the pool above.
  let wire: WirePool | undefined;
  // Said as it first happens, then counted: a server at its limit says so to every connection too many.
  const caps = { count: 0, raised: 0, fewest: Number.POSITIVE_INFINITY, last: 0 };
  const connectionsCapped = (connections: number, reply: string) => {
    caps.fewest = Math.min(caps.fewest, connections);
    caps.last = connections;
    if (++caps.count > 1) return;
    settings.log?.(
      `notice: the SMTP server ${where} allows fewer connections at once (${scrub(reply).replace(/\s+/g, ' ').trim()}): sending over ${plural(connections, 'connection')}, and one more after ${Math.round(CAP_RAISE_MS / 60_000)} min without such a reply (lower --concurrency to start there)`,
    );
  };
  const connectionsRaised = (connections: number) => {
    caps.raised++;
    caps.last = connections;
  };
  // Once, as the transport closes: how often it happened, for a run that heard it more than once.
  const capSummary = () => {
    if (caps.count > 1 || caps.raised > 0)
      settings.log?.(
        `notice: the SMTP server ${where} said the account had too many connections ${plural(caps.count, 'time')} in this run: it went down to ${plural(caps.fewest, 'connection')}, ${plural(caps.raised, 'more')} tried after a quiet while, and ended with ${caps.last}`,
      );
    caps.count = 0;
    caps.raised = 0;
  };
  const pipeliningDropped = () =>
    settings.log?.(
      `notice: the SMTP server ${where} offers PIPELINING but left pipelined commands unanswered more than once: sending each command on its own for the rest of the run (the messages it left waiting were sent again, not counted as attempts)`,
    );
  const sessionCapLearnt = (messages: number, reply: string) =>
    settings.log?.(
      `notice: the SMTP server ${where} takes at most ${plural(messages, 'message')} a connection (${scrub(reply).replace(/\s+/g, ' ').trim()}): a new connection is opened after every ${messages}, at the same pace`,
    );
  const pool = () =>
    (wire ??= createWirePool(
      options,
      settings.concurrency,
      { finalReplyMs },
      { loginNotOffered, connectionsCapped, connectionsRaised, pipeliningDropped, sessionCapLearnt },
    ));
  // Checks and probes still running: closing the transport (a render failed meanwhile) cuts them
  // short, so the command ends at once rather than when the server's greeting or connection times out.
  const checking = new Set<SMTPConnection>();
  let smtpUtf8: Promise<boolean> | undefined;
  let smtpUtf8Probed = false;
  const offersSmtpUtf8 = () => {
    if (smtpUtf8) return smtpUtf8;
    // A connection of the pool already said it in its EHLO: no connection of the probe's own.
    const known = wire?.extensions();
    smtpUtf8 = known
      ? Promise.resolve(known.includes('SMTPUTF8'))
      : probeSmtpUtf8(options, checking).then(
          (offered) => {
            smtpUtf8Probed = true;
            return offered;
          },
          (error: unknown) => {
            smtpUtf8 = undefined; // a failed probe is retried with the message, like any connection error
            throw error;
          },
        );
    return smtpUtf8;
  };
  return {
    kind: 'smtp',
    destination: shown,
    async verify(check) {
      try {
        if (check?.keepOpen && wireSupported()) {
          await pool().open(check.connections);
        } else await checkConnection(options, checking, loginNotOffered);
      } catch (error) {
        throw verifyError(
          nameTimeout(scrubError(error, scrub), timeouts),
          where,
          shownUser(settings.url, parsed),
          parsed.secure,
        );
      }
    },
    maxMessageSize() {
      const size = wire?.maxSize();
      return size ? size : undefined;
    },
    async send(mail, gate) {
      // A lane that logs in again mid-run, or a server that refuses a message, may quote the password.
      try {
        const { response } = await deliver(mail, gate);
        return { response: scrub(response) };
      } catch (error) {
        throw nameTimeout(scrubError(error, scrub), timeouts);
      }
    },
    async close() {
      for (const connection of checking) connection.close();
      checking.clear();
      wire?.close();
      transporter?.close();
      capSummary();
    },
  };

  async function deliver(mail: SendMailOptions, gate: DotGate | undefined): Promise<{ response: string }> {
    // nodemailer would put a non-ASCII local part into RCPT TO as raw 8-bit bytes whether or
    // not the server offers SMTPUTF8; refuse that reader instead, before anything is sent.
    // Not yet known, the answer waits for a probe connection to open and log in: a wait of its own.
    const needsUtf8 = envelopeRecipients(mail).some(needsSmtpUtf8);
    const probing = needsUtf8 && !smtpUtf8Probed && !wire?.extensions();
    if (needsUtf8 && !(await offersSmtpUtf8())) throw smtpUtf8Refusal();
    const payload = wirePayloadOf(mail);
    if (payload && wireSupported()) {
      const envelope = mail.envelope as { from: string; to: string[] };
      // The header block stays a string: the pool encodes it straight into the message's one buffer.
      const head = `${settings.dkim ? `${dkimSignature(payload, settings.dkim)}\r\n` : ''}${headText(payload.headers)}`;
      return { response: await pool().send(envelope, [head, ...payload.body], gate, { waited: probing }) };
    }
    // A send's message written whole: over the wire pool too, whose last look at the reader comes
    // once the connection is in hand (it may open and log in first), not before (see whole-form.ts).
    const whole = gate?.stillWanted && wireSupported() ? wholeFormChunks(mail, settings.dkim) : undefined;
    if (whole) return { response: await pool().send(whole.envelope, whole.chunks, gate, { waited: probing }) };
    // Anything else takes nodemailer's pool, which gives no hook once a connection is in hand: the
    // last look is right before it. The sender read the list afresh just before handing the message
    // over; read again only when the message waited since, for the probe (a second shared read a
    // message slowed every one).
    if (probing && gate?.confirm) await gate.confirm();
    if (gate?.stillWanted?.() === false) throw withdrawn();
    const info = (await nodemailerPool().sendMail(mail)) as { response?: string };
    return { response: String(info.response ?? '250 OK') };
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Connects and logs in as nodemailer's own `verify` does, then quits. */
function checkConnection(
  options: ReturnType<typeof smtpPoolOptions>,
  live: Set<SMTPConnection>,
  loginNotOffered: () => void,
): Promise<void> {
  return shortConnection<void>(options, live, (connection, done) => {
    if (options.auth && offersLogin(connection)) return connection.login(options.auth, (error) => done(error));
    if (options.auth) loginNotOffered();
    done(null);
  });
}

function envelopeRecipients(mail: SendMailOptions): string[] {
  const to = mail.envelope && typeof mail.envelope === 'object' ? mail.envelope.to : mail.to;
  const list: unknown[] = [to ?? []].flat(2);
  return list.map((entry) =>
    typeof entry === 'object' && entry !== null && 'address' in entry ? String(entry.address) : String(entry),
  );
}

/** Whether the server's EHLO reply (after STARTTLS, when offered) lists SMTPUTF8: one short connection. */
function probeSmtpUtf8(options: ReturnType<typeof smtpPoolOptions>, live: Set<SMTPConnection>): Promise<boolean> {
  return shortConnection<boolean>(options, live, (connection, done) => {
    const ehlo = typeof connection.lastServerResponse === 'string' ? connection.lastServerResponse : '';
    done(null, /[ -]SMTPUTF8\b/im.test(ehlo));
  });
}

/**
 * A connection of its own for one short exchange: `connected` runs once the greeting, EHLO and
 * STARTTLS are through and calls `done`, after which the connection is quit (or closed, on an
 * error). `live` holds it until then, so closing the transport can cut it short.
 */
function shortConnection<T>(
  options: ReturnType<typeof smtpPoolOptions>,
  live: Set<SMTPConnection>,
  connected: (connection: SMTPConnection, done: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  const connection = new SMTPConnection(options);
  live.add(connection);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (error: Error | null | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      live.delete(connection);
      if (error) {
        connection.close();
        reject(error);
      } else {
        quitConnection(connection);
        resolve(value as T);
      }
    };
    connection.once('error', done);
    connection.once('end', () => done(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' })));
    connection.connect((error) => (error ? done(error) : connected(connection, done)));
  });
}

/** A per-reader permanent failure; 5.6.7 is RFC 6531's status for "non-ASCII address not permitted". */
function smtpUtf8Refusal(): Error {
  return Object.assign(
    new Error(
      'not sent (5.6.7): the address has non-ASCII characters before the @ and the SMTP server does not offer SMTPUTF8 — send through a server that supports SMTPUTF8, or ask the reader for an ASCII address',
    ),
    { code: 'ESMTPUTF8' },
  );
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
    // smtp:// upgrades with STARTTLS; a password never crosses the network in clear text, so
    // insist on the upgrade unless the server is on this machine.
    requireTLS: !parsed.secure && parsed.auth !== undefined && !isLoopbackHost(parsed.host),
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

/** nodemailer's `err.command` for a refusal before any login or message: of this client itself. */
const TURNED_AWAY_AT = new Set(['CONN', 'EHLO', 'HELO']);

function verifyError(error: unknown, where: string, user: string | undefined, secure: boolean): RolecastError {
  const e = error as { code?: string; command?: string; response?: string; responseCode?: number; message?: string };
  const reply = e.response ?? e.message ?? String(error);
  const login = e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.responseCode === 535 || e.responseCode === 530;
  // A temporary reply to the login (454 4.7.0, RFC 4954: its login service is down, or it limits
  // attempts from this host) refused nothing: the same credentials work once it is back.
  if (login && e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500)
    return new RolecastError(
      'E_SMTP_AUTH',
      `the SMTP server ${where} could not log in${user ? ` ${user}` : ''} for now: ${reply}`,
      {
        hint: 'that reply is temporary: the user name and password were not refused, but the server cannot check them just now (its login service is down, or it allows this host no more login attempts for a while): run the same command later; nothing was sent',
      },
    );
  // 504: a mechanism it does not take; 534: one too weak for it (RFC 4954), as servers that take only
  // OAuth tokens (XOAUTH2) or app passwords answer the password login tried.
  if (login && (e.responseCode === 504 || e.responseCode === 534))
    return new RolecastError(
      'E_SMTP_AUTH',
      `the SMTP server ${where} does not take a password login${user ? ` for ${user}` : ''}: ${reply}`,
      {
        hint: 'rolecast logs in with the user name and password of SMTP_URL (AUTH PLAIN, LOGIN or CRAM-MD5), and this server or account wants another kind, such as an OAuth token (XOAUTH2): give an app password of the account if its provider offers them, or send through a server or port that takes a password login; nothing was sent',
      },
    );
  if (login) {
    return new RolecastError(
      'E_SMTP_AUTH',
      `the SMTP server ${where} refused the login${user ? ` for ${user}` : ''}: ${reply}`,
      {
        hint: 'check the user name and password in SMTP_URL; nothing was sent',
      },
    );
  }
  // It answered, and turned this client away at its greeting or EHLO: the host and port are right.
  if (e.responseCode !== undefined && TURNED_AWAY_AT.has(e.command ?? ''))
    return new RolecastError('E_SMTP_CONNECT', `the SMTP server ${where} turned the connection away: ${reply}`, {
      hint:
        e.responseCode < 500
          ? 'the server is busy, or limits connections from this host for now: run the same command later; nothing was sent'
          : 'the server takes no mail from this host (its address may be on a blocklist, or the server does not relay for it): ask its administrator, or send through another server; nothing was sent',
    });
  // It offered STARTTLS and then answered it with a refusal (454, RFC 3207): TLS is broken on its
  // side, and no certificate or URL here would change that.
  if (e.command === 'STARTTLS' && e.responseCode !== undefined)
    return new RolecastError(
      'E_SMTP_CONNECT',
      `the SMTP server ${where} offers STARTTLS but could not start TLS: ${reply}`,
      {
        hint: 'the server cannot encrypt connections right now (a fault on its side, such as a missing or unreadable certificate of its own), and rolecast does not go on unencrypted with a server that offers TLS: ask its administrator, or run the same command later; nothing was sent',
      },
    );
  const tls = e.code === 'ETLS' || /certificate|self[- ]signed|TLS|SSL/i.test(reply);
  const silent = silentGreetingHint(error, secure);
  return new RolecastError('E_SMTP_CONNECT', `could not connect to the SMTP server ${where}: ${reply}`, {
    hint:
      silent ??
      (tls
        ? "the TLS handshake failed: check the server's certificate (name, expiry, issuer; one signed by your own certificate authority is trusted with NODE_EXTRA_CA_CERTS=ca.pem) and whether the port expects smtps:// (implicit TLS) or smtp:// (STARTTLS); nothing was sent"
        : 'check the host and port in SMTP_URL and that the server is running; nothing was sent'),
  });
}

/**
 * Writes each message as a `.eml` file: the built-in default, so everything can be tried without a
 * mail server. Temp file then rename: a crash never leaves half a message under the final name.
 */
export function createOutboxTransport(
  folder: string,
  options: { dkim?: DkimSettings | undefined } = {},
): MailTransport {
  const builder = signEveryMessage(
    nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
    options.dkim,
  );
  let counter = 0;
  return {
    kind: 'outbox',
    destination: folder,
    async verify() {
      try {
        await mkdir(folder, { recursive: true });
      } catch (cause) {
        throw new RolecastError(
          'E_INVALID',
          `the outbox folder ${folder} could not be created: ${(cause as Error).message}`,
          {
            hint: 'check the path given with --outbox (or the folder beside the config) and its permissions; nothing was sent',
            cause,
          },
        );
      }
    },
    async send(mail, gate) {
      const info = (await builder.sendMail(mail)) as { message: Buffer };
      // The last moment before the message is written: its reader may have left meanwhile.
      if (gate?.stillWanted?.() === false) throw withdrawn();
      const to = mail.envelope && typeof mail.envelope === 'object' ? String(mail.envelope.to) : String(mail.to);
      const file = join(folder, `${fileNameFor(to)}.eml`);
      const temp = `${file}.${process.pid}.${++counter}.tmp`;
      try {
        await writeFile(temp, info.message);
        await rename(temp, file);
      } catch (cause) {
        await rm(temp, { force: true }).catch(() => {});
        const reason = (cause as Error).message;
        throw new LocalWriteError(`the outbox folder ${folder} could not be written: ${reason}`, { cause });
      }
      return { response: `250 written to ${file}` };
    },
    async close() {
      builder.close();
    },
  };
}

/** Characters of an address kept in a file name: a valid address (up to 318) would pass NAME_MAX (255). */
const FILE_NAME_CHARS = 180;

/**
 * A file name from an address, with a hash when characters had to be replaced or cut. The hash
 * follows a `~`, which no name kept as written holds: `a'b@example.com` can never be written to
 * the file of an address spelt like its hashed name (`a_b@example.com-…`), so one reader's message
 * never replaces another's.
 */
export function fileNameFor(address: string): string {
  const lower = canonicalAddress(address);
  const safe = lower.replace(/[^a-z0-9@._+-]/g, '_');
  if (safe === lower && safe.length <= FILE_NAME_CHARS) return safe;
  return `${safe.slice(0, FILE_NAME_CHARS)}~${createHash('sha256').update(lower).digest('hex').slice(0, 16)}`;
}
