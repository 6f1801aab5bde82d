import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { CAP_RAISE_MS, type ConnectionCapEvents, createConnectionCap } from './connection-cap.js';
import { isIdleClose } from './idle-close.js';
import { deliverMessage, type Step } from './message-data.js';
import { answered, createPipeliningFallback } from './pipelining-fallback.js';
import { type ConnectionInternals, type WirePool, withdrawn } from './pool-contract.js';
import { limitReplyTime } from './reply-limit.js';
import { createSessionCap } from './session-cap.js';
import {
  canStopPipelining,
  leftPipelinedUnanswered,
  offersLogin,
  quitConnection,
  reset,
  stopPipelining,
} from './session-steps.js';
import { skipStrayGreeting } from './stray-greeting.js';

export {
  type DotGate,
  MESSAGE_WITHDRAWN,
  type WireEnvelope,
  type WirePool,
  withdrawn,
} from './pool-contract.js';
export { offersLogin, quitConnection } from './session-steps.js';

/**
 * A pool of SMTP connections that send messages already in wire form: CRLF line breaks and no line
 * starting with "." (see qp.ts). nodemailer's SMTPConnection runs the session (greeting, EHLO/HELO,
 * STARTTLS, login, PIPELINING, multi-line replies, timeouts, its error codes and command names);
 * only the message data skips its byte-by-byte dot-stuffing stream and goes to the socket as the
 * buffers it is made of. Errors are handled as nodemailer's pool does: a refusal of one message
 * resets the session and keeps the connection, anything else closes it and the next message opens
 * a new one.
 *
 * With a gate, the terminating "." of a message is written only once the gate allows it: the
 * server takes a message only at that dot (RFC 5321 4.1.1.4), so the envelope and body go out
 * while the previous message's ledger row is still being committed. A refused gate abandons the
 * message: the connection is closed without the dot, so the server discards what it received.
 */

/** Whether the installed nodemailer still has the hooks the pool replaces; if not, use its own pool. */
export function wireSupported(): boolean {
  const proto = SMTPConnection.prototype as unknown as ConnectionInternals;
  return (
    typeof proto._createSendStream === 'function' &&
    typeof proto._actionSMTPStream === 'function' &&
    canStopPipelining()
  );
}

type ConnectionOptions = ConstructorParameters<typeof SMTPConnection>[0] & {
  auth?: { user: string; pass: string } | undefined;
};

interface Lane {
  connection: SMTPConnection | undefined;
  /** The open in progress, shared by whoever needs the lane meanwhile. */
  opening?: Promise<SMTPConnection> | undefined;
  /** Its connection, so closing the pool can cut it short. */
  pending?: SMTPConnection | undefined;
  /** Turned away for the server's cap: no message uses it until `back` fires (never, once `capped`). */
  retired?: boolean;
  /** The server said the account has too many connections: out until a quiet while brings it back (connection-cap.ts). */
  capped?: boolean;
  back?: NodeJS.Timeout | undefined;
  /** A message has it (taken from `free` or handed over by `release`). */
  held?: boolean;
}

/** nodemailer's codes for a connection that closed or broke under a command. */
const LOST_CONNECTION = new Set(['ECONNECTION', 'EPIPE', 'ECONNRESET', 'ESOCKET']);

export interface WirePoolTiming {
  /** How long a lane the server turned away for its cap stays out before it is tried again. */
  retireMs: number;
  /** How long with no reply about too many connections before a lane closed for one is tried again. */
  capRaiseMs: number;
  /**
   * How long the reply to a message's terminating dot is waited for. The server may take the
   * message at any moment in that wait, so giving up early risks a second copy: RFC 5321
   * 4.5.3.2.6 asks for 10 minutes.
   */
  finalReplyMs: number;
}

const TIMING: WirePoolTiming = { retireMs: 60_000, capRaiseMs: CAP_RAISE_MS, finalReplyMs: 10 * 60_000 };

export interface WirePoolEvents extends ConnectionCapEvents {
  /** A connection found no AUTH offered, so the credentials it has went unused. */
  loginNotOffered?: () => void;
  /** The server offered PIPELINING and left pipelined commands unanswered: commands go one at a time from now on. */
  pipeliningDropped?: () => void;
  /** The server said a connection had sent all the messages it takes (see session-cap.ts), first heard after `messages`. */
  sessionCapLearnt?: (messages: number, reply: string) => void;
}

export function createWirePool(
  options: ConnectionOptions,
  size: number,
  timings: Partial<WirePoolTiming> = {},
  events: WirePoolEvents = {},
): WirePool {
  const timing = { ...TIMING, ...timings };
  const lanes: Lane[] = Array.from({ length: Math.max(1, size) }, () => ({ connection: undefined }));
  const free = [...lanes];
  const waiting: ((lane: Lane) => void)[] = [];
  let closed = false;
  // Off once a server that offers PIPELINING left pipelined envelopes unanswered twice, each then
  // answered one command at a time: one may be a stall of the moment, and an outage is none.
  const fallback = createPipeliningFallback(events.pipeliningDropped);
  const sessionCap = createSessionCap(events.sessionCapLearnt);

  const acquire = (): Promise<Lane> => {
    const lane = free.pop();
    if (lane) {
      lane.held = true;
      return Promise.resolve(lane);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (lane: Lane) => {
    if (lane.retired) {
      lane.held = false;
      return;
    }
    const next = waiting.shift();
    lane.held = next !== undefined;
    if (next) next(lane);
    else free.push(lane);
  };

  // A server that caps connections refuses the one too many at its greeting, with 421 or without a
  // word: that lane stays out, rather than being turned away again by every message that lands on
  // it (and spending their retries). Only the greeting: a 421 later in the handshake (an idle
  // timeout, a restart) says nothing about a cap.
  // The cap may lift as other clients leave, so the lane comes back after a while. Never the last.
  const retire = (lane: Lane, error: unknown): boolean => {
    if (!turnedAway(lane, error) || closed) return false;
    // Its open, shared by a message, is reported by both: retired once.
    if (lane.retired) return true;
    if (lanes.filter((other) => !other.retired).length <= 1) return false;
    lane.retired = true;
    const at = free.indexOf(lane);
    if (at >= 0) free.splice(at, 1);
    lane.back = setTimeout(() => {
      lane.back = undefined;
      lane.retired = false;
      // A message still holding it gives it back itself.
      if (!closed && !lane.held) release(lane);
    }, timing.retireMs);
    lane.back.unref?.();
    return true;
  };
  const turnedAway = (lane: Lane, error: unknown): boolean => {
    const { responseCode, command } = (error ?? {}) as { responseCode?: number; command?: string };
    if (command !== 'CONN') return false;
    if (responseCode === 421) return true;
    // No greeting at all (the connection closed, reset or left waiting) while another connection is
    // being served: a cap enforced without a word. With none open, the server is away, and the
    // run must hear of it.
    return responseCode === undefined && lanes.some((other) => other !== lane && other.connection !== undefined);
  };
  // A reply that says the account has too many connections open, wherever in the session it comes:
  // that lane is out until a while passes with no such reply (see connection-cap.ts). Never the
  // last: its refusal then reaches the run, which takes it as throttling.
  const capControl = createConnectionCap<Lane>({
    lanes,
    takeOut(lane) {
      if (lane.connection) drop(lane, lane.connection);
      const at = free.indexOf(lane);
      if (at >= 0) free.splice(at, 1);
    },
    release,
    isClosed: () => closed,
    raiseMs: timing.capRaiseMs,
    events,
  });
  const cap = (lane: Lane, error: unknown): boolean => capControl.cap(lane, error);
  const openConnections = () => lanes.flatMap((lane) => (lane.connection ? [lane.connection] : []));
  /** The lane's connection, opened if need be; undefined when the server turned the lane away for its cap. */
  const connectionOf = async (lane: Lane): Promise<SMTPConnection | undefined> => {
    try {
      return lane.connection ?? (await open(lane));
    } catch (error) {
      if (cap(lane, error) || retire(lane, error)) return undefined;
      throw error;
    }
  };
  const open = (lane: Lane): Promise<SMTPConnection> => {
    lane.opening ??= openConnection(lane).finally(() => {
      lane.opening = undefined;
      lane.pending = undefined;
    });
    return lane.opening;
  };
  const openConnection = (lane: Lane): Promise<SMTPConnection> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(poolClosed());
      const connection = new SMTPConnection(options);
      limitReplyTime(connection, options.socketTimeout);
      skipStrayGreeting(connection);
      lane.pending = connection;
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        connection.close();
        reject(error);
      };
      // While a message is on it, the send callback gets the same error; when idle, the connection is dropped.
      connection.on('error', (error: Error) => {
        if (!settled) return fail(error);
        if (lane.connection === connection) lane.connection = undefined;
      });
      connection.once('end', () => {
        if (lane.connection === connection) lane.connection = undefined;
        fail(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION', command: 'CONN' }));
      });
      connection.connect((error?: Error | null) => {
        if (error) return fail(error);
        if (settled) return;
        const done = () => {
          // Closed while it logged in: quit, never handed out.
          if (closed) return fail(poolClosed());
          settled = true;
          if (!fallback.on) stopPipelining(connection);
          lane.connection = connection;
          resolve(connection);
        };
        if (options.auth && offersLogin(connection)) {
          connection.login(options.auth, (loginError?: Error | null) => (loginError ? fail(loginError) : done()));
          return;
        }
        if (options.auth) events.loginNotOffered?.();
        done();
      });
    });

  return {
    async send(envelope, chunks, gate, handed) {
      // Connections found closed under this message as it began on them (see below).
      let closedUnder = 0;
      // Its pipelined envelope went unanswered once: it goes again one command at a time.
      let unpipelined = false;
      let stallToConfirm = false;
      let tries = 0;
      for (;;) {
        if (closed) throw poolClosed();
        // A first try on a lane free now: the read the sender awaited before handing it over is still fresh.
        const waited = tries++ > 0 || free.length === 0 || handed?.waited === true;
        const lane = await acquire();
        try {
          const reused = lane.connection !== undefined;
          const connection = await connectionOf(lane);
          // Turned away for the server's cap before any of the message was sent: the message takes another lane.
          if (!connection) continue;
          // Waited for a lane or for the connection to open: the list is read again, the connection
          // idle for one shared query only after such a wait.
          if ((waited || !reused) && gate?.confirm) await gate.confirm();
          if (closed) throw poolClosed();
          // The last moment before it goes: its reader may have left while it waited for the connection.
          if (gate?.stillWanted?.() === false) throw withdrawn();
          if (unpipelined) stopPipelining(connection);
          const step: Step = { outOfStep: false, wrote: false };
          try {
            const reply = await deliverMessage(connection, envelope, chunks, gate, step, {
              finalReplyMs: timing.finalReplyMs,
              socketMs: options.socketTimeout,
            });
            sessionCap.accepted(connection);
            // Never used again: its next replies would be taken for the next message's.
            if (step.outOfStep) drop(lane, connection);
            // At the server's cap on messages a connection: the next message opens a new one.
            else if (sessionCap.spent(connection)) {
              if (lane.connection === connection) lane.connection = undefined;
              quitConnection(connection);
            }
            if (stallToConfirm) fallback.confirmStall(openConnections);
            return reply;
          } catch (error) {
            // Answered one command at a time where pipelined commands went unanswered: a stall, not an outage.
            if (stallToConfirm && answered(error)) {
              stallToConfirm = false;
              fallback.confirmStall(openConnections);
            }
            const e = error as { code?: string; responseCode?: number; command?: string };
            // A temporary refusal of the sender says nothing of this message: the session is spent
            // (a per-session cap such as 452 4.5.3) or throttled, so the retry takes a new one.
            const sessionRefused =
              e.command === 'MAIL FROM' &&
              e.responseCode !== undefined &&
              e.responseCode >= 400 &&
              e.responseCode < 500;
            const refusedMessage =
              (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') &&
              e.responseCode !== 421 &&
              !sessionRefused &&
              !(connection as unknown as ConnectionInternals)._destroyed;
            if (refusedMessage && !step.outOfStep) await reset(connection).catch(() => drop(lane, connection));
            else drop(lane, connection);
            // The connection sent all the messages the server takes on one (a reply, so nothing of this
            // one was taken): it goes out on a new connection at once, neither a try nor a reason to slow
            // down. Each such connection had a message accepted: a bounded loop.
            if (!step.outOfStep && sessionCap.reached(connection, error)) {
              drop(lane, connection);
              continue;
            }
            // A server that hangs up right after its reply to a message (one message a session) may
            // do so while the next one starts on that connection, before its close reaches us: with
            // no reply and none of the message written, nothing was taken, so it goes out on another
            // connection, neither failed nor retried. Each such connection is spent: a bounded loop.
            const lost = e.responseCode === undefined && !step.wrote && LOST_CONNECTION.has(e.code ?? '');
            if (reused && lost && ++closedUnder <= lanes.length) continue;
            // The same for a 421 ending the session for its idle time, read as this message's reply
            // (see idle-close.ts): a reply before any of the message was written, so nothing was taken.
            if (reused && !step.wrote && isIdleClose(error) && ++closedUnder <= lanes.length) continue;
            // No reply to a pipelined envelope, and none of the message sent (a server that offers
            // PIPELINING but reads one command at a time): nothing was taken, so the message goes
            // again at once, its commands one by one, not counted as an attempt.
            if (step.pipelined && !unpipelined && leftPipelinedUnanswered(error, step.wrote)) {
              unpipelined = true;
              stallToConfirm = true;
              continue;
            }
            // Refused for the account's connections, not for this message (a reply, so never taken): it
            // goes out on another connection, and this one is closed above and not opened again.
            if (!step.outOfStep && cap(lane, error)) continue;
            throw error;
          }
        } finally {
          release(lane);
        }
      }
    },
    async open(connections = lanes.length) {
      // Lanes open or opening count towards `connections`: a second call (the rest of the lanes,
      // once a send knows how many messages it has) adds to the first instead of repeating it.
      const live = lanes.filter((lane) => lane.connection || lane.opening);
      // In the order messages take them (free lanes are taken from the end).
      const closedLanes = [...free].reverse().filter((lane) => !lane.connection && !lane.opening);
      const others = closedLanes.slice(0, Math.max(0, Math.max(1, connections) - live.length));
      // One login must work before the others are tried, so a wrong password is tried once, not
      // once a lane: the lane logged in already, else the one opening, else the first to open.
      const first = live.some((lane) => lane.connection) ? undefined : (live[0] ?? others.shift());
      if (first) await open(first);
      // Not awaited: a lane that fails is opened again by its next message.
      for (const lane of others) open(lane).catch((error: unknown) => cap(lane, error) || retire(lane, error));
    },
    maxSize() {
      for (const lane of lanes) {
        const internals = lane.connection as unknown as { _destroyed?: boolean; _maxAllowedSize?: unknown } | undefined;
        if (internals && !internals._destroyed && typeof internals._maxAllowedSize === 'number')
          return internals._maxAllowedSize;
      }
      return undefined;
    },
    extensions() {
      for (const lane of lanes) {
        const internals = lane.connection as unknown as ConnectionInternals | undefined;
        if (internals && !internals._destroyed && Array.isArray(internals._supportedExtensions))
          return internals._supportedExtensions;
      }
      return undefined;
    },
    close() {
      closed = true;
      capControl.close();
      for (const lane of lanes) {
        clearTimeout(lane.back);
        const connection = lane.connection;
        lane.connection = undefined;
        if (connection) quitConnection(connection);
        lane.pending?.close();
      }
    },
  };
}

function drop(lane: Lane, connection: SMTPConnection): void {
  if (lane.connection === connection) lane.connection = undefined;
  connection.close();
}

/** What a message waiting for, or opening, a lane gets once `close()` was called. */
function poolClosed(): Error {
  return Object.assign(new Error('The connection pool was closed'), { code: 'ECONNECTION' });
}
