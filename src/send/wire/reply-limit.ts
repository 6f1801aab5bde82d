import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { skipStrayGreeting } from './stray-greeting.js';

/** The internals of SMTPConnection the limit reads: where a reply still arriving is kept. */
interface ReplyInternals {
  _onData?: (chunk: Buffer) => void;
  _onError?: (error: Error, type: string, data: unknown, command: string) => void;
  _remainder?: string;
  _responsePartial?: boolean;
  _destroyed?: boolean;
}

/** nodemailer's own wait for an idle socket, when no socketTimeout is given. */
const NODEMAILER_IDLE_MS = 600_000;

/** The kind of wait named when a reply begun was not finished in time (see timeout-names.ts). */
export const REPLY_TIMEOUT = 'REPLY_TIMEOUT';

/**
 * A reply begun must end within `ms`. The socket's timeout counts only silence, so a server that
 * sends a reply a byte at a time (or a continuation line at a time) and never ends it held the
 * connection, and the message on it, for ever. Once a reply's first bytes are in, the rest gets
 * `ms` (send.socketTimeoutMs), after which the connection fails as a timeout of its own kind:
 * nothing sent so far is lost, and a message whose dot went out is "may have been delivered".
 * A connection whose nodemailer keeps no such internals is left as it is.
 */
export function limitReplyTime(connection: SMTPConnection, ms: number | undefined): void {
  const internals = connection as unknown as ReplyInternals;
  const read = internals._onData;
  if (typeof read !== 'function' || typeof internals._onError !== 'function') return;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const expire = () => {
    timer = undefined;
    if (internals._destroyed) return;
    const error = Object.assign(new Error('Timeout'), { timeoutType: REPLY_TIMEOUT });
    internals._onError!.call(connection, error, 'ETIMEDOUT', false, 'CONN');
  };
  internals._onData = (chunk: Buffer) => {
    read.call(connection, chunk);
    const unfinished = (internals._remainder ?? '') !== '' || internals._responsePartial === true;
    if (!unfinished || internals._destroyed) stop();
    else timer ??= setTimeout(expire, ms ?? NODEMAILER_IDLE_MS);
  };
  connection.once('end', stop);
}

/** The internals of nodemailer's SMTP pool the limit reaches into: where each pooled connection is made. */
interface PoolInternals {
  transporter?: { _createConnection?: (...args: unknown[]) => object };
}

/**
 * The same limit on every connection of nodemailer's own pool (test sends, the mails of `serve`),
 * and the same reading of a greeting whose lines all start "220 " (see stray-greeting.ts), though
 * that pool makes its connections out of reach: each pool resource's connection is caught as it is set,
 * before it connects. A pool whose nodemailer keeps no such internals is left as it is.
 */
export function limitPoolReplyTime(transporter: object, ms: number | undefined): void {
  const pool = (transporter as PoolInternals).transporter;
  const create = pool?._createConnection;
  if (!pool || typeof create !== 'function') return;
  pool._createConnection = function (this: unknown, ...args: unknown[]) {
    const resource = create.apply(this, args) as { connection?: unknown };
    let connection = resource.connection;
    Object.defineProperty(resource, 'connection', {
      configurable: true,
      enumerable: true,
      get: () => connection,
      set: (value: unknown) => {
        connection = value;
        if (value && typeof value === 'object') {
          limitReplyTime(value as SMTPConnection, ms);
          // Its greeting is read as the wire pool's is (see stray-greeting.ts).
          skipStrayGreeting(value as SMTPConnection);
        }
      },
    });
    return resource;
  };
}
