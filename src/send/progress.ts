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

/**
 * On a terminal: one redrawn line with a bar, counts, rate and ETA, at most ten times a second.
 * Elsewhere (CI logs, pipes): a plain line at every tenth of the way, so logs stay short.
 */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastDraw = 0;
  let lastStep = 0;
  let drawn = false;
  const step = Math.max(1, Math.ceil(options.planned / 10));

  const describe = (t: Readonly<Tally>): string => {
    const finished = t.sent + t.failed + t.deferred;
    const remaining = Math.max(0, options.planned - finished);
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? finished / seconds : 0;
    const eta = rate > 0 ? formatSeconds(remaining / rate) : '—';
    return `sent ${t.sent}  failed ${t.failed + t.deferred}  remaining ${remaining}  ${rate.toFixed(1)}/s  ETA ${eta}`;
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
      const reached = Math.floor(finished / step);
      if (reached > lastStep || finished === options.planned) {
        if (finished === options.planned && lastStep === Number.POSITIVE_INFINITY) return;
        lastStep = finished === options.planned ? Number.POSITIVE_INFINITY : reached;
        options.stream.write(`${finished}/${options.planned}: ${describe(t)}\n`);
      }
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
