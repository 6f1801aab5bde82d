/**
 * nodemailer says only "Timeout", "Greeting never received" or "Connection timeout" when a wait runs
 * out. The person running the send needs to know which wait, how long it was and the setting that
 * sets it, to tell a slow server from a dead one and to lengthen the right one.
 */
import { UNSURE_AFTER_DOT } from './retry.js';
import { REPLY_TIMEOUT } from './wire/reply-limit.js';

export interface NamedTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
  finalReplyMs: number;
}

/** Rewrites, in place, the message of a timed-out SMTP wait to name it; other errors are kept as they are. */
export function nameTimeout<T>(error: T, timeouts: NamedTimeouts): T {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as { code?: unknown; timeoutType?: unknown; message?: unknown; stack?: unknown };
  if (e.code !== 'ETIMEDOUT' || typeof e.message !== 'string') return error;
  const named = describe(e.timeoutType, (error as Record<string, unknown>)[UNSURE_AFTER_DOT] === true, timeouts);
  if (!named || e.message.includes(named)) return error;
  const message = `${e.message}: ${named}`;
  if (typeof e.stack === 'string') e.stack = e.stack.replace(e.message, message);
  e.message = message;
  return error;
}

function describe(type: unknown, afterDot: boolean, t: NamedTimeouts): string | undefined {
  if (type === 'CONNECT_TIMEOUT')
    return `no connection to the SMTP server within ${duration(t.connectionMs)} (send.connectionTimeoutMs)`;
  if (type === 'GREETING_TIMEOUT') return greetingWait(t);
  if (type === 'UPGRADE_TIMEOUT') return `the TLS handshake after STARTTLS did not finish ${setupWait(t)}`;
  if (type === 'SOCKET_TIMEOUT')
    return afterDot
      ? `no reply to the end of the message within ${duration(t.finalReplyMs)} (send.finalReplyTimeoutMs)`
      : `no reply from the SMTP server within ${duration(t.socketMs)} (send.socketTimeoutMs)`;
  if (type === REPLY_TIMEOUT)
    return `the SMTP server began a reply${afterDot ? ' to the end of the message' : ''} and did not finish it within ${duration(t.socketMs)} (send.socketTimeoutMs)`;
  return undefined;
}

/**
 * nodemailer waits for the greeting no longer than send.greetingTimeoutMs nor than what is left of
 * send.connectionTimeoutMs, which runs from the first try to connect: with the defaults (30 s each)
 * the connection's wait is the one that runs out, and lengthening the greeting's alone changes nothing.
 */
function greetingWait(t: NamedTimeouts): string {
  return `the SMTP server sent no greeting ${setupWait(t)}`;
}

/** The greeting and a STARTTLS handshake are each waited for as long, bounded the same way. */
function setupWait(t: NamedTimeouts): string {
  if (t.greetingMs < t.connectionMs) return `within ${duration(t.greetingMs)} (send.greetingTimeoutMs)`;
  return `within ${duration(t.connectionMs)} of the first try to connect (send.connectionTimeoutMs, which bounds send.greetingTimeoutMs)`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${ms / 60_000} min`;
}

/**
 * What to do about a server that never greeted: one that takes TLS from the first byte (smtps://,
 * port 465) waits for the client's TLS hello and says nothing to an smtp:// client, so the wait
 * runs out as for a server that hangs.
 */
export function silentGreetingHint(error: unknown, secure: boolean): string | undefined {
  const type = (typeof error === 'object' && error !== null ? error : {}) as { timeoutType?: unknown };
  // No certificate was looked at yet: the server took STARTTLS and then never answered the handshake.
  if (type.timeoutType === 'UPGRADE_TIMEOUT')
    return 'the server said it would start TLS and then never answered the handshake: it may be overloaded, or something between this host and it (a firewall, a proxy) holds the encrypted traffic back; run the same command later, or raise send.greetingTimeoutMs and send.connectionTimeoutMs (which bounds it) for a slow server; nothing was sent';
  if (secure || type.timeoutType !== 'GREETING_TIMEOUT') return undefined;
  return 'the server accepted the connection but never greeted: a port that expects TLS from the start (usually 465) waits silently for an smtp:// client, so write the URL as smtps://…; otherwise check the host and port in SMTP_URL, or raise send.greetingTimeoutMs and send.connectionTimeoutMs (which bounds it) for a server that greets late; nothing was sent';
}
