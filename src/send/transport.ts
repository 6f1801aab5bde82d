import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { needsSmtpUtf8 } from '../address.js';
import { redactUrl } from '../config/env.js';
import { wirePayloadOf } from './message.js';
import { credentialScrubber, scrubError } from './scrub.js';
import {
  DEFAULT_SMTP_TIMEOUTS,
  parseSmtpUrl,
  type SmtpSettings,
  shownUser,
  smtpPoolOptions,
  tlsRequiredBy,
} from './smtp-url.js';
import { nameTimeout } from './timeout-names.js';
import { verifyError } from './verify-error.js';
import { CAP_RAISE_MS } from './wire/connection-cap.js';
import { dkimSignature, signEveryMessage } from './wire/dkim.js';
import { notTaken } from './wire/message-data.js';
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
import { limitPoolReplyTime, limitReplyTime } from './wire/reply-limit.js';
import { outOfStepError } from './wire/session-steps.js';
import { skipStrayGreeting } from './wire/stray-greeting.js';
import { wholeFormChunks } from './wire/whole-form.js';

export { type DkimSettings, readDkim } from './dkim-key.js';

import type { DkimSettings } from './dkim-key.js';

export { LocalWriteError } from './local-write-error.js';
export { createOutboxTransport, fileNameFor } from './outbox.js';
export {
  DEFAULT_SMTP_TIMEOUTS,
  type ParsedSmtpUrl,
  parseSmtpUrl,
  type SmtpSettings,
  type SmtpTimeouts,
  shownUser,
  smtpPoolOptions,
  tlsRequiredBy,
} from './smtp-url.js';
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
  /** The bytes `mail` is as this transport sends it, its DKIM signature included: what SIZE is compared with. */
  bytesAsSent?(mail: SendMailOptions): number | undefined;
  /**
   * Resolves once the server accepted the message (2xx), rejects with its error otherwise. A
   * transport that can hold a message's terminating dot asks `gate` right before writing it (the
   * SMTP wire path); the others never ask.
   */
  send(options: SendMailOptions, gate?: DotGate): Promise<{ response: string }>;
  close(): Promise<void>;
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
    if (transporter) return transporter;
    const made = nodemailer.createTransport(toldNoLogin ? withoutLogin : options);
    // A reply trickled in a byte at a time would hold a test send or a confirmation for ever.
    limitPoolReplyTime(made, options.socketTimeout);
    transporter = signEveryMessage(made, settings.dkim);
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
          tlsRequiredBy(parsed, settings),
        );
      }
    },
    maxMessageSize() {
      const size = wire?.maxSize();
      return size ? size : undefined;
    },
    bytesAsSent: (mail) => signedBytes(mail, settings.dkim),
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
    const info = (await nodemailerPool().sendMail(withSize(mail, settings.dkim))) as { response?: string };
    const response = String(info.response ?? '250 OK');
    // The reply does not say the server has it, nor that it has not: not sent, and not sent again.
    if (notTaken(response)) throw outOfStepError(response);
    return { response };
  }
}

/**
 * A message written whole (a test send's) with its size in the envelope: nodemailer then gives it
 * as MAIL FROM's SIZE= and refuses it, unsent, when it is over the SIZE the server announced, as
 * the wire pool does. Without it nodemailer checks nothing and sends what the server said it
 * would not take.
 */
function withSize(mail: SendMailOptions, dkim: DkimSettings | undefined): SendMailOptions {
  const envelope = mail.envelope;
  // As signed: the signature's field is hundreds of bytes, which a limit just above the unsigned
  // message would refuse only once the whole message was written.
  const size = signedBytes(mail, dkim);
  if (!envelope || typeof envelope !== 'object' || size === undefined) return mail;
  return { ...mail, envelope: { ...envelope, size } as SendMailOptions['envelope'] };
}

/** The bytes of a message written whole as sent, its DKIM signature included; undefined when it is not written whole. */
function signedBytes(mail: SendMailOptions, dkim: DkimSettings | undefined): number | undefined {
  const unsigned = rawBytes(mail);
  if (!dkim || unsigned === undefined) return unsigned;
  const payload = wirePayloadOf(mail);
  if (payload) return unsigned + Buffer.byteLength(`${dkimSignature(payload, dkim)}\r\n`, 'utf8');
  return wholeFormChunks(mail, dkim)?.chunks[0]?.length ?? unsigned;
}

/** The bytes of a message written whole, unsigned; undefined when it is not written whole. */
export function rawBytes(mail: SendMailOptions): number | undefined {
  const raw = mail.raw;
  if (Buffer.isBuffer(raw)) return raw.length;
  return typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : undefined;
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
  limitReplyTime(connection, options.socketTimeout);
  skipStrayGreeting(connection);
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
