import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { waitUntilGiveUp } from './give-up.js';

/**
 * The requests serve is still answering, so that a stop answers each one instead of cutting its
 * connection: a one-click unsubscribe whose write waits on the database (a locked table, a locked
 * row) may still be committed after serve is gone, and a provider that got no answer may not try
 * again, nor would the operator know.
 */
export interface InFlight {
  track(request: IncomingMessage, response: ServerResponse): void;
  /** This request is a one-click unsubscribe: a stop that answers it for it counts it apart. */
  markUnsubscribe(response: ServerResponse): void;
  /** Whether a request on this socket is still waiting for its answer (its write waits on the store). */
  answering(socket: Socket): boolean;
  /** Answered by the stop: the handler's own late answer is dropped without a word. */
  answeredByStop(response: ServerResponse): boolean;
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

export function inFlightRequests(): InFlight {
  const open = new Map<ServerResponse, { request: IncomingMessage; unsubscribe: boolean }>();
  const byStop = new WeakSet<ServerResponse>();
  let changed: () => void = () => {};
  /** Answers these requests for their handlers, counting each kind; settles once each answer is out. */
  const answerNow = (responses: ServerResponse[], answer: (response: ServerResponse) => void, answered: StopAnswers) =>
    responses.map((response) => {
      if (response.headersSent) return Promise.resolve();
      answered[open.get(response)?.unsubscribe ? 'unsubscribes' : 'others']++;
      byStop.add(response);
      response.setHeader('Connection', 'close');
      const flushed = new Promise<void>((resolve) => {
        response.once('finish', resolve);
        response.once('close', resolve);
      });
      answer(response);
      return flushed;
    });
  return {
    track(request, response) {
      open.set(response, { request, unsubscribe: false });
      response.once('close', () => {
        open.delete(response);
        changed();
      });
      response.once('finish', () => changed());
    },
    markUnsubscribe(response) {
      const entry = open.get(response);
      if (entry) entry.unsubscribe = true;
    },
    answering: (socket) =>
      [...open].some(
        ([response, entry]) => entry.request.socket === socket && entry.request.complete && !response.headersSent,
      ),
    answeredByStop: (response) => byStop.has(response),
    async settle(giveUp, answer) {
      const answered: StopAnswers = { unsubscribes: 0, others: 0 };
      // A body still on its way (a slow upload) is not the database's to wait for.
      const uploading = [...open].filter(([, entry]) => !entry.request.complete).map(([response]) => response);
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
