import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { UNSURE_AFTER_DOT } from '../retry.js';
import { withdrawn } from './pool-contract.js';

// The steps of an SMTP session the wire pool takes beside sending: quitting, resetting, giving up a message.

/** The error of a message whose dot was answered with a reply meant for another command. */
export function outOfStepError(reply: string): Error {
  return Object.assign(
    new Error(
      `The server's replies are out of step with the commands (got "${reply.trim()}" for the end of a message)`,
    ),
    {
      code: 'EPROTOCOL',
      response: reply,
      [UNSURE_AFTER_DOT]: true,
    },
  );
}

/** The error of a message answered before its dot went out: the server never had all of it. */
export function earlyReplyError(reply: string): Error {
  return Object.assign(
    new Error(
      `The server's replies are out of step with the commands (got "${reply.trim()}" before the end of the message was sent)`,
    ),
    { code: 'EPROTOCOL', command: 'DATA' },
  );
}

/** Abandons a message held at its dot: without the dot the server never takes it (RFC 5321 4.1.1.4). */
export function withhold(connection: SMTPConnection, reject: (error: Error) => void): void {
  connection.close();
  reject(
    Object.assign(new Error('Message withheld at its end of data: the ledger could not record earlier messages'), {
      code: 'EWITHHELD',
    }),
  );
}

/** Abandons a message whose reader is no longer this sender's (see DotGate.stillOurs): no dot, nothing taken. */
export function withdraw(connection: SMTPConnection, reject: (error: Error) => void): void {
  connection.close();
  reject(withdrawn());
}

/**
 * Whether the server offers a login. nodemailer assumes one after HELO too (a server that refused
 * EHLO) and sends AUTH, but AUTH is an extension of EHLO (RFC 4954): a server greeted with HELO
 * offers none, and answering AUTH as an unknown command is no refusal of the credentials.
 */
export function offersLogin(connection: SMTPConnection): boolean {
  const internals = connection as unknown as { _ehloLines?: string[]; _supportedAuth?: string[] };
  const greetedWithHelo = internals._ehloLines === undefined && internals._supportedAuth?.length === 0;
  return connection.allowsAuth && !greetedWithHelo;
}

/** How long a server has to answer QUIT and hang up before the connection is closed on it. */
const QUIT_WAIT_MS = 2_000;

/**
 * Says QUIT, and closes the connection if the server has not hung up soon after: one that never
 * answers would otherwise keep the socket, and the finished command with it, until its idle timeout.
 */
export function quitConnection(connection: SMTPConnection): void {
  // Unreferenced: while the socket is open it keeps the process up, and once it closed there is nothing to do.
  const timer = setTimeout(() => connection.close(), QUIT_WAIT_MS).unref();
  connection.once('end', () => clearTimeout(timer));
  connection.quit();
}

export function reset(connection: SMTPConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    // A connection lost before the server answered RSET (a server that refuses a message and hangs
    // up, or goes quiet until the socket times out) never calls back: its end settles the reset.
    const lost = () => reject(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }));
    connection.once('end', lost);
    connection.reset((error) => {
      connection.off('end', lost);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** nodemailer's codes for a command left without a reply: the wait ran out, or the connection went. */
const NO_REPLY = new Set(['ETIMEDOUT', 'ECONNECTION', 'EPIPE', 'ECONNRESET', 'ESOCKET']);

/** Whether a message failed for want of any reply before its data went out. */
export function leftPipelinedUnanswered(error: unknown, wrote: boolean): boolean {
  const e = (error ?? {}) as { code?: string; responseCode?: number };
  return !wrote && e.responseCode === undefined && NO_REPLY.has(e.code ?? '');
}

/**
 * The connection's later envelopes go one command at a time, as to a server without PIPELINING.
 * nodemailer offers no option for it: it pipelines whenever the EHLO list it keeps holds PIPELINING,
 * so the word is taken out of that list. `canStopPipelining` checks the list is still there.
 */
export function stopPipelining(connection: SMTPConnection): void {
  const extensions = (connection as unknown as { _supportedExtensions?: string[] })._supportedExtensions;
  const at = extensions?.indexOf('PIPELINING') ?? -1;
  if (extensions && at >= 0) extensions.splice(at, 1);
}

let stoppable: boolean | undefined;

/**
 * Whether this nodemailer keeps its EHLO extensions where `stopPipelining` takes PIPELINING out: a
 * connection made (not connected) holds the list. A version without it takes nodemailer's own pool,
 * rather than a fallback that would silently send pipelined commands to a server that drops them.
 */
export function canStopPipelining(): boolean {
  stoppable ??= Array.isArray(
    (new SMTPConnection({ host: '127.0.0.1', port: 25 }) as unknown as { _supportedExtensions?: unknown })
      ._supportedExtensions,
  );
  return stoppable;
}
