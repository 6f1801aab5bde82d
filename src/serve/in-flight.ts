import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { waitUntilGiveUp } from './give-up.js';

/**
 * The requests serve is still answering, so that a stop answers each one instead of cutting its
 * connection: a one-click unsubscribe whose write waits on the database (a locked table, a locked
 * row) may still be committed after serve is gone, and a provider that got no answer may not try
 * again, nor would the operator know. A request whose handler has not answered within the answer
 * limit (a store call that never settles) is answered for it too, so it cannot hold its connection.
 */
export interface InFlight {
  track(request: IncomingMessage, response: ServerResponse): void;
  /** Whether a request on this socket is still waiting for its answer (its write waits on the store). */
  answering(socket: Socket): boolean;
  /** Answered for its handler (by the stop, or at the answer limit): the handler's late answer is dropped. */
  answeredInstead(response: ServerResponse): boolean;
  /**
   * Waits for the requests whose body has arrived until `giveUp` settles; those still unanswered
   * then, and those still sending their body at once, get `answer`. Returns how many of each kind.
   */
  settle(giveUp: Promise<unknown>, answer: (response: ServerResponse) => void): Promise<StopAnswers>;
}

/** How many requests a stop answered for their handlers, by kind. */
export interface StopAnswers {
  unsubscribes: number;
  others: number;
}

/** A request still waiting for its handler's answer this long is answered by `answer` instead. */
export interface AnswerLimit {
  ms: number;
  answer(response: ServerResponse, unsubscribe: boolean): void;
}

const unsubscribes = new WeakSet<ServerResponse>();

/**
 * This request unsubscribes a reader (a one-click POST, the preferences page's button): an answer
 * given for its handler counts it as an unsubscribe.
 */
export function markUnsubscribe(response: ServerResponse): void {
  unsubscribes.add(response);
}

export function inFlightRequests(limit?: AnswerLimit): InFlight {
  const open = new Map<ServerResponse, IncomingMessage>();
  const instead = new WeakSet<ServerResponse>();
  let changed: () => void = () => {};
  /** Answers this request for its handler; settles once the answer is out. */
  const answerFor = (response: ServerResponse, answer: (response: ServerResponse) => void) => {
    instead.add(response);
    response.setHeader('Connection', 'close');
    const flushed = new Promise<void>((resolve) => {
      response.once('finish', resolve);
      response.once('close', resolve);
    });
    answer(response);
    return flushed;
  };
  /** Answers these requests for their handlers, counting each kind. */
  const answerNow = (responses: ServerResponse[], answer: (response: ServerResponse) => void, answered: StopAnswers) =>
    responses.map((response) => {
      if (response.headersSent) return Promise.resolve();
      answered[unsubscribes.has(response) ? 'unsubscribes' : 'others']++;
      return answerFor(response, answer);
    });
  return {
    track(request, response) {
      open.set(response, request);
      const limitTimer =
        limit &&
        setTimeout(() => {
          if (!response.headersSent && !instead.has(response))
            void answerFor(response, (late) => limit.answer(late, unsubscribes.has(late)));
        }, limit.ms);
      limitTimer?.unref();
      response.once('close', () => {
        clearTimeout(limitTimer);
        open.delete(response);
        changed();
      });
      response.once('finish', () => changed());
    },
    answering: (socket) =>
      [...open].some(([response, request]) => request.socket === socket && request.complete && !response.headersSent),
    answeredInstead: (response) => instead.has(response),
    async settle(giveUp, answer) {
      const answered: StopAnswers = { unsubscribes: 0, others: 0 };
      // A body still on its way (a slow upload) is not the database's to wait for.
      const uploading = [...open].filter(([, request]) => !request.complete).map(([response]) => response);
      const flushes = answerNow(uploading, answer, answered);
      const unanswered = () => [...open.keys()].filter((response) => !response.headersSent);
      await waitUntilGiveUp(giveUp, () =>
        unanswered().length > 0 ? new Promise<void>((resolve) => (changed = resolve)) : undefined,
      );
      changed = () => {};
      flushes.push(...answerNow(unanswered(), answer, answered));
      await Promise.all(flushes);
      return answered;
    },
  };
}
