import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** The internals of SMTPConnection the guard reaches into: the replies to EHLO and HELO, and what waits for a reply. */
interface GreetingInternals {
  _actionEHLO?: (reply: string) => void;
  _actionHELO?: (reply: string) => void;
  _responseActions?: unknown[];
  _responseQueue?: unknown[];
  _remainder?: string;
  _responsePartial?: boolean;
  lastServerResponse?: string;
}

/**
 * A greeting of several lines written with "220 " on each instead of "220-" (a banner a server's
 * owner added to) is several replies to nodemailer, the second taken for EHLO's: a session with no
 * extensions, and every later reply answering the command before its own, so each message's end is
 * answered with its DATA's 354 and deferred as may have been delivered, though the server took it,
 * to be sent again by every run. A 220 answers no EHLO or HELO (RFC 5321 4.3.2): it is passed over,
 * and the reply that follows is read as theirs. An EHLO or HELO reply written the same way ("250 "
 * on each line) is read whole: see readFlatReply. A connection whose nodemailer keeps no such
 * internals is left as it is.
 */
export function skipStrayGreeting(connection: SMTPConnection): void {
  const internals = connection as unknown as GreetingInternals;
  for (const name of ['_actionEHLO', '_actionHELO'] as const) {
    const action = internals[name];
    if (typeof action !== 'function' || !Array.isArray(internals._responseActions)) continue;
    const guarded = function (this: unknown, reply: string) {
      if (/^220[ -]/.test(reply)) internals._responseActions!.unshift(guarded);
      else if (/^250 /.test(reply)) readFlatReply(internals, reply, (whole) => action.call(this, whole));
      else action.call(this, reply);
    };
    internals[name] = guarded;
  }
}

/**
 * An EHLO reply with "250 " on every line instead of "250-" on all but the last is several replies
 * to nodemailer: the first taken for EHLO's (a session with no extensions), the others for the
 * replies to the commands after it, so nothing is accepted. Whatever the server says before a
 * further command goes out answers EHLO: the 250 lines already in, and those still arriving once
 * their first bytes are, are read as one reply. Nothing is waited for that has not begun: a reply
 * after the next command answers that command.
 */
function readFlatReply(internals: GreetingInternals, reply: string, done: (whole: string) => void): void {
  let whole = reply;
  const queue = internals._responseQueue;
  while (Array.isArray(queue) && typeof queue[0] === 'string' && /^250[ -]/.test(queue[0])) {
    // The last line in, still partial: the rest of it is waited for below.
    if (queue.length === 1 && internals._responsePartial) break;
    whole += `\n${Buffer.from(queue.shift() as string, 'latin1').toString('utf8')}`;
  }
  const arriving = (internals._remainder ?? '') !== '' || internals._responsePartial === true;
  if (arriving && Array.isArray(internals._responseActions) && (queue?.length ?? 0) <= 1) {
    internals._responseActions.unshift((next: string) => {
      if (/^250[ -]/.test(next)) return readFlatReply(internals, `${whole}\n${next}`, done);
      // Something else: not part of it, and left to be read as nodemailer reads a reply nobody asked for.
      internals._responseQueue?.unshift(next);
      finish(internals, whole, done);
    });
    return;
  }
  finish(internals, whole, done);
}

function finish(internals: GreetingInternals, whole: string, done: (whole: string) => void): void {
  internals.lastServerResponse = whole;
  done(whole);
}
