import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { stopPipelining } from './session-steps.js';

/**
 * When to stop pipelining for the rest of a run. A pipelined envelope left unanswered may be a
 * server that offers PIPELINING but reads one command at a time, or a server that went down under
 * it: only the first answers the same commands sent one at a time on a new connection. So a stall
 * counts once the message sent again unpipelined got any reply (accepted or refused); two such say
 * the server cannot take pipelined commands. A stall whose resend got no reply either is an outage,
 * reported as such by the run, and leaves pipelining on.
 */
export interface PipeliningFallback {
  /** Whether envelopes still go pipelined on new connections. */
  readonly on: boolean;
  /** A message whose pipelined envelope stalled was then answered one command at a time. */
  confirmStall(openConnections: () => Iterable<SMTPConnection>): void;
}

export function createPipeliningFallback(onDropped: (() => void) | undefined): PipeliningFallback {
  let on = true;
  let stalls = 0;
  return {
    get on() {
      return on;
    },
    confirmStall(openConnections) {
      if (!on || ++stalls < 2) return;
      on = false;
      for (const connection of openConnections()) stopPipelining(connection);
      onDropped?.();
    },
  };
}

/** Whether a message's outcome shows the server answering: it was accepted, or refused with a reply. */
export function answered(error: unknown): boolean {
  return error === undefined || typeof (error as { responseCode?: unknown } | null)?.responseCode === 'number';
}
