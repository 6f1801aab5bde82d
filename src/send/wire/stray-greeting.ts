import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** The internals of SMTPConnection the guard reaches into: the replies to EHLO and HELO, and what waits for a reply. */
interface GreetingInternals {
  _actionEHLO?: (reply: string) => void;
  _actionHELO?: (reply: string) => void;
  _responseActions?: unknown[];
}

/**
 * A greeting of several lines written with "220 " on each instead of "220-" (a banner a server's
 * owner added to) is several replies to nodemailer, the second taken for EHLO's: a session with no
 * extensions, and every later reply answering the command before its own, so each message's end is
 * answered with its DATA's 354 and deferred as may have been delivered, though the server took it,
 * to be sent again by every run. A 220 answers no EHLO or HELO (RFC 5321 4.3.2): it is passed over,
 * and the reply that follows is read as theirs. A connection whose nodemailer keeps no such
 * internals is left as it is.
 */
export function skipStrayGreeting(connection: SMTPConnection): void {
  const internals = connection as unknown as GreetingInternals;
  for (const name of ['_actionEHLO', '_actionHELO'] as const) {
    const action = internals[name];
    if (typeof action !== 'function' || !Array.isArray(internals._responseActions)) continue;
    const guarded = function (this: unknown, reply: string) {
      if (/^220[ -]/.test(reply)) internals._responseActions!.unshift(guarded);
      else action.call(this, reply);
    };
    internals[name] = guarded;
  }
}
