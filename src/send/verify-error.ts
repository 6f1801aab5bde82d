import { RolecastError } from '../errors.js';
import { silentGreetingHint } from './timeout-names.js';

/** nodemailer's `err.command` for a refusal before any login or message: of this client itself. */
const TURNED_AWAY_AT = new Set(['CONN', 'EHLO', 'HELO']);

/** Replies to a command the server does not know (RFC 5321 4.2.4): 500, 502, 504. */
const STARTTLS_UNKNOWN = new Set([500, 502, 504]);

/** What to do when send.requireTls found no TLS to be had. */
const STARTTLS_SETTING_HINT =
  'if the port speaks TLS from the start (usually 465), write the URL as smtps://; if the server should offer STARTTLS, something between this host and it (a firewall or proxy) may be removing the offer: ask its administrator; to send without TLS to a relay you trust (one on your own network), set send.requireTls to false in the config; nothing was sent';

/**
 * `tlsRequired` says why STARTTLS was insisted on, when a refusal of it is explained: a password
 * for a server elsewhere, or send.requireTls.
 */
export function verifyError(
  error: unknown,
  where: string,
  user: string | undefined,
  secure: boolean,
  tlsRequired: 'setting' | 'password' = 'password',
): RolecastError {
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
  // With TLS required nodemailer tries no HELO after a refused EHLO: STARTTLS needs the EHLO.
  if (tlsRequired === 'setting' && e.command === 'EHLO' && /required STARTTLS/.test(e.message ?? ''))
    return new RolecastError(
      'E_SMTP_CONNECT',
      `the SMTP server ${where} refused EHLO (it answered ${reply}), so it cannot start TLS, which send.requireTls asks of every server: no mail was sent`,
      { hint: STARTTLS_SETTING_HINT },
    );
  // It answered, and turned this client away at its greeting or EHLO: the host and port are right.
  if (e.responseCode !== undefined && TURNED_AWAY_AT.has(e.command ?? ''))
    return new RolecastError('E_SMTP_CONNECT', `the SMTP server ${where} turned the connection away: ${reply}`, {
      hint:
        e.responseCode < 500
          ? 'the server is busy, or limits connections from this host for now: run the same command later; nothing was sent'
          : 'the server takes no mail from this host (its address may be on a blocklist, or the server does not relay for it): ask its administrator, or send through another server; nothing was sent',
    });
  // A password for a server elsewhere goes only over TLS, so STARTTLS was asked of a server that
  // did not offer it (or whose offer something on the way removed): it answered as to a command it
  // does not know, which says nothing about TLS being broken on its side.
  if (
    tlsRequired === 'setting' &&
    e.command === 'STARTTLS' &&
    e.responseCode !== undefined &&
    STARTTLS_UNKNOWN.has(e.responseCode)
  )
    return new RolecastError(
      'E_SMTP_CONNECT',
      `the SMTP server ${where} does not offer STARTTLS (it answered ${reply}), and send.requireTls asks for TLS with every server: no mail${user ? ' and no password' : ''} was sent`,
      { hint: STARTTLS_SETTING_HINT },
    );
  if (e.command === 'STARTTLS' && e.responseCode !== undefined && STARTTLS_UNKNOWN.has(e.responseCode))
    return new RolecastError(
      'E_SMTP_CONNECT',
      `the SMTP server ${where} does not offer STARTTLS (it answered ${reply}), so the password in SMTP_URL was not sent: a server that is not on this machine gets it only over TLS`,
      {
        hint: 'if the port speaks TLS from the start (usually 465), write the URL as smtps://; if the server should offer STARTTLS, something between this host and it (a firewall or proxy) may be removing the offer: ask its administrator; nothing was sent',
      },
    );
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
