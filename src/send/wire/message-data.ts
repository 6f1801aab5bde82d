import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { UNSURE_AFTER_DOT } from '../retry.js';
import type { ConnectionInternals, DotGate, WireEnvelope } from './pool-contract.js';
import { earlyReplyError, outOfStepError, withdraw, withhold } from './session-steps.js';

/**
 * A message's data written on a connection of the pool: its buffers go to the socket as they are,
 * in place of nodemailer's dot-stuffing stream, and its terminating dot waits for the gate.
 */

const END = Buffer.from('.\r\n', 'latin1');

export interface Step {
  outOfStep: boolean;
  wrote: boolean;
  /** The envelope went out pipelined (MAIL FROM, RCPT TO and DATA at once, RFC 2920). */
  pipelined?: boolean;
}

export const deliverMessage = (
  connection: SMTPConnection,
  envelope: WireEnvelope,
  chunks: readonly (Buffer | string)[],
  gate: DotGate | undefined,
  /**
   * `outOfStep`: the server's replies fell out of step with the commands, so the connection is
   * dropped. `wrote`: the message's data began to go out (its gate may have been asked).
   */
  step: Step,
  waits: { finalReplyMs: number; socketMs: number | undefined },
) =>
  new Promise<string>((resolve, reject) => {
    const internals = connection as unknown as ConnectionInternals;
    // Once the dot is out, the reply is waited for longer than the socket's idle limit.
    let dotSent = false;
    // A final reply already read (one that came with the 354): the message is over, none of it goes.
    let settled = false;
    const sentDot = () => {
      dotSent = true;
      internals._socket?.setTimeout?.(waits.finalReplyMs);
    };
    let size = 0;
    for (const chunk of chunks) size += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.length;
    // Replaces the dot-stuffing stream for this connection: the bytes are written as they are.
    (internals as { _createSendStream: unknown })._createSendStream = (
      callback: (error: Error | null, reply?: string) => void,
    ) => {
      internals._responseActions!.push((reply) => {
        // A reply to the dot must be final (2xx, 4xx, 5xx): a 354 was meant for an earlier DATA,
        // so the server's replies and our commands are out of step, and this message's own reply
        // may still come (it may have been taken).
        if (/^3/.test(reply)) {
          step.outOfStep = true;
          return callback(outOfStepError(reply));
        }
        // A reply that came with the 354, before any of the message went: a refusal is this message's
        // own, but an acceptance is of nothing, so the connection is dropped and the message not sent.
        if (!step.wrote && /^2/.test(reply)) {
          step.outOfStep = true;
          return callback(acceptedUnsent(reply));
        }
        // A reply after some of the message went but before its dot (the dot held for a permit)
        // answers something else: without its dot the server cannot have taken this message, so it
        // is given up here and goes out again.
        if (step.wrote && !dotSent) {
          step.outOfStep = true;
          connection.close();
          return callback(earlyReplyError(reply));
        }
        // Lines of one reply carry one code (RFC 5321 4.2.1); nodemailer reads only the first, so
        // "250-queued" then "550 refused" would record a refused message as taken. Such a reply
        // cannot say whether the server has it: the message is deferred, the connection dropped.
        // So is a 2xx other than 250, the only reply that takes a message (a 221 of a server
        // closing, a 220 greeting of one that restarted), which nodemailer takes for an acceptance.
        if (notTaken(reply)) {
          step.outOfStep = true;
          return callback(outOfStepError(reply));
        }
        internals._actionSMTPStream!.call(connection, reply, callback);
        // More replies already in than commands waiting for them: the server spoke out of turn,
        // and the next message's commands would be answered with replies meant for others.
        if (internals._responseQueue?.some((line) => String(line).trim() !== '')) step.outOfStep = true;
      });
      return {
        outByteCount: size + END.length,
        write() {
          // Written once what came with the 354 was read: a server that hung up with its 354 read
          // none of the message, so none of it is written, and the send fails as a connection lost
          // before any of it went (sent again at once), not as one that may have been delivered.
          setImmediate(() => writeData());
        },
        end() {},
      };
      function writeData() {
        if (!writable()) return;
        whenStillWanted(() => {
          if (writable()) writeBody();
        });
      }
      /** Nothing has ended the message before any of it went. */
      function writable(): boolean {
        if (settled || internals._destroyed || internals._socket?.readableEnded) return false;
        // The server said more after its 354 ("354 …" and "554 …" at once): it ended the message
        // before any of it went, so none of it is written (its lines would be read as commands).
        return !internals._responseQueue?.some((line) => String(line).trim() !== '');
      }
      /**
       * Calls `go` once the reader is still this sender's and, when the last look at the list is
       * too old (see DotGate.freshLook), still wanted after a look made afresh; otherwise the
       * message is given up, none of it (or not its dot) written. `looked`: that look was just made.
       */
      function whenStillWanted(go: () => void, looked = false) {
        if (gate?.stillOurs?.() === false) return withdraw(connection, reject);
        if (looked) {
          // On the state file this is the look itself, which throws when it cannot be made: none of it goes.
          let wanted: boolean | undefined;
          try {
            wanted = gate?.stillWanted?.();
          } catch (error) {
            connection.close();
            return reject(error as Error);
          }
          if (wanted === false) return withdraw(connection, reject);
        }
        const looking = looked ? undefined : gate?.freshLook?.();
        if (!looking) return go();
        looking.then(
          () => whenStillWanted(go, true),
          // None of it went: the look's error says why (see LOOK_FAILED), and the connection goes.
          (error: Error) => {
            connection.close();
            reject(error);
          },
        );
      }
      function writeBody() {
        step.wrote = true;
        // One copy into one write: cheaper than a writev of a few dozen small pieces. Strings
        // (the header block) are encoded straight into it, not into buffers of their own first.
        const out = Buffer.allocUnsafe(size + END.length);
        let at = 0;
        for (const chunk of chunks)
          at += typeof chunk === 'string' ? out.write(chunk, at, 'utf8') : chunk.copy(out, at);
        END.copy(out, at);
        if (!gate) {
          internals._socket!.write(out);
          sentDot();
          return;
        }
        // A permit free now: body and dot in one write; otherwise the body now, the dot later.
        let now: boolean | undefined;
        let later = false;
        gate.request((granted) => {
          if (!later) now = granted;
          else if (!granted) withhold(connection, reject);
          // Held at its dot for seconds (a slow ledger write, the sender stopped meanwhile): its
          // reader may have left since the look before the data, so the list is read again.
          else
            whenStillWanted(() => {
              // A connection lost meanwhile already failed the send with its own error.
              if (internals._destroyed || settled) return;
              internals._socket!.write(out.subarray(at));
              sentDot();
            });
        });
        later = true;
        if (now === true) {
          internals._socket!.write(out);
          sentDot();
        } else if (now === false) withhold(connection, reject);
        else internals._socket!.write(out.subarray(0, at));
      }
    };
    connection.send({ ...envelope, size } as never, {} as never, (error, info) => {
      settled = true;
      step.pipelined ??= false;
      if (dotSent && !internals._destroyed) internals._socket?.setTimeout?.(waits.socketMs ?? 600_000);
      if (error) {
        // No reply to the dot (the wait ran out, or the connection closed or broke first): the
        // server may have taken the message, and nobody can tell. A reply, even a refusal, says.
        if (dotSent && (error as { responseCode?: number }).responseCode === undefined)
          Object.assign(error, { [UNSURE_AFTER_DOT]: true });
        reject(error);
      } else resolve(String((info as { response?: string }).response ?? '250 OK'));
    });
    // Read as the envelope went out (send writes it at once), before any reply.
    step.pipelined ??= (internals as { _envelope?: { pipelined?: boolean } })._envelope?.pipelined === true;
  });

/**
 * Whether a 2xx to the end of a message still does not say the server took it: its lines carry
 * different codes, or its code is not 250 (RFC 5321 4.2.1, 4.3.2). nodemailer takes either for an
 * acceptance, over its own pool too (a test send, the mails of serve).
 */
export function notTaken(reply: string): boolean {
  return mixedCodes(reply) || /^2(?!50)/.test(reply);
}

/** Whether the lines of a multi-line reply start with more than one reply code. */
function mixedCodes(reply: string): boolean {
  const codes = reply
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => /^\s*(\d{3})/.exec(line)?.[1]);
  return codes.some((code) => code !== codes[0]);
}

/** A 2xx read as the reply to a message none of which was written: nothing was taken. */
function acceptedUnsent(reply: string): Error {
  return Object.assign(
    new Error(
      `The server's replies are out of step with the commands (got "${reply.trim()}" before the message was sent)`,
    ),
    { code: 'EPROTOCOL', response: reply },
  );
}
