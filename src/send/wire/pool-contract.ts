/** What the wire pool takes and gives: its envelope, the gate on a message's dot, and the pool itself. */

export interface WireEnvelope {
  from: string;
  to: string[];
}

/** Asked right before a message's terminating dot; `go(false)`: never write it. */
export interface DotGate {
  request(go: (granted: boolean) => void): void;
  /**
   * Asked right before the message's commands go out on a connection, each time: it may have waited
   * for one behind other messages' final replies (fewer connections than messages, once the server
   * limited them), or waited out a lane turned away, a connection lost under it or a pipelined
   * envelope left unanswered, nothing of it taken. `false`: it does not go, and the send fails with
   * `MESSAGE_WITHDRAWN`.
   */
  stillWanted?(): boolean;
  /**
   * Asked again once the envelope was answered, right before the data goes and before a dot held
   * for a permit: a send worker stopped meanwhile (a suspended machine, a long pause) past its lease
   * may have had the reader taken over and mailed by another. `false`: the data is withheld (no dot,
   * so nothing is taken) and the send fails with `MESSAGE_WITHDRAWN`.
   */
  stillOurs?(): boolean;
  /**
   * Resolves once the suppression list was read afresh (see LateSuppressions.confirm), awaited
   * before `stillWanted` when the message waited for its connection (behind other messages, or for
   * one to open and log in): what was committed during that wait is then seen too.
   */
  confirm?(): Promise<void>;
  /**
   * Asked once the envelope was answered, right before the data goes: a promise when the list was
   * last read too long ago (the sender stopped or suspended since, or the server slow to answer),
   * resolving once it was read afresh; the data waits for it, and for `stillWanted` after it.
   */
  freshLook?(): Promise<void> | undefined;
}

/** The code of a message not sent because its gate said it is no longer wanted: nothing of it was taken. */
export const MESSAGE_WITHDRAWN = 'EWITHDRAWN';

export interface WirePool {
  /**
   * Resolves with the server's reply once it accepted the message. `waited`: it waited before it
   * was handed over (for the check of SMTPUTF8), so the list is read again on any connection.
   */
  send(
    envelope: WireEnvelope,
    chunks: readonly (Buffer | string)[],
    gate?: DotGate,
    handed?: { waited?: boolean },
  ): Promise<string>;
  /**
   * Opens every lane's connection now (greeting, EHLO, STARTTLS, login), so the first messages do
   * not wait for them. Settles with the first lane's open: its error is the check's error. The
   * other lanes then open in the background; one that fails is opened again by its next message,
   * except one the server turned away as it opened while another lane was connected (a 421 at the
   * greeting, or the connection closed, reset or timed out with no reply: its cap on connections),
   * which the run goes without for a while (see `retireMs`). At most `connections` lanes are open in all (all by
   * default), those already open or opening included.
   */
  open(connections?: number): Promise<void>;
  /** The EHLO extensions of a connection that is open now (every lane talks to one server), if any. */
  extensions(): readonly string[] | undefined;
  /** The largest message the server takes (SIZE in its EHLO reply), once a connection said; 0: no limit given. */
  maxSize(): number | undefined;
  close(): void;
}

/** The internals of SMTPConnection this pool relies on; checked before use. */
export interface ConnectionInternals {
  _socket?: { write(chunk: Buffer): boolean; setTimeout?(ms: number): unknown; readableEnded?: boolean };
  _responseActions?: ((reply: string) => void)[];
  _responseQueue?: unknown[];
  _actionSMTPStream?: (reply: string, callback: (error: Error | null, reply?: string) => void) => void;
  _createSendStream?: unknown;
  _destroyed?: boolean;
  _supportedExtensions?: string[];
  _supportedAuth?: string[];
  _ehloLines?: string[];
}

export function withdrawn(): Error {
  return Object.assign(new Error('Message not sent again: it is no longer wanted'), { code: MESSAGE_WITHDRAWN });
}
