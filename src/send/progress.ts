import type { Tally } from './report.js';

export interface Progress {
  update(total: Readonly<Tally>): void;
  done(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream;
  isTTY: boolean;
  planned: number;
  now?: () => number;
}

/** Plain lines (logs, pipes) at most this often, plus the final one: a 100k-message run stays readable. */
export const PLAIN_LINE_INTERVAL_MS = 2000;

/**
 * On a terminal: one redrawn line with a bar, counts, rate and ETA, at most ten times a second.
 * Elsewhere (CI logs, pipes): a plain line at most every two seconds and one at the end.
 */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastDraw = 0;
  let lastLine = started;
  let finalWritten = false;
  let drawn = false;

  const describe = (t: Readonly<Tally>): string => {
    const finished = t.sent + t.failed + t.deferred;
    const remaining = Math.max(0, options.planned - finished);
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? finished / seconds : 0;
    const eta = rate > 0 ? formatSeconds(remaining / rate) : '—';
    // Deferred messages are left for the next run, not failed: counted apart, as the report counts them.
    const deferred = t.deferred > 0 ? `  deferred ${t.deferred}` : '';
    return `sent ${t.sent}  failed ${t.failed}${deferred}  remaining ${remaining}  ${rate.toFixed(1)}/s  ETA ${eta}`;
  };

  return {
    update(t) {
      if (options.planned === 0) return;
      const finished = t.sent + t.failed + t.deferred;
      if (options.isTTY) {
        const time = now();
        if (time - lastDraw < 100 && finished < options.planned) return;
        lastDraw = time;
        const width = 24;
        const filled = Math.round((finished / options.planned) * width);
        options.stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${describe(t)}`);
        drawn = true;
        return;
      }
      const final = finished >= options.planned;
      const time = now();
      if (final ? finalWritten : time - lastLine < PLAIN_LINE_INTERVAL_MS) return;
      lastLine = time;
      finalWritten = final;
      options.stream.write(`${finished}/${options.planned}: ${describe(t)}\n`);
    },
    done() {
      if (drawn) options.stream.write('\n');
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
