import { LOOK_FAILED_STOP, THROTTLED_OUT } from '../send/retry.js';

/**
 * Why a wave's send stopped on its own (`SendReport.stopped`), and what to do, for the error that
 * ends a scheduled run: a plain send stops there with exit 3, and a later wave would start
 * unwatched, hours on, against the same server or list, so the run ends with the wave left open.
 */
export function stoppedWave(stopped: string): { message: string; hint: string } {
  const rerun = 'waves and messages already sent are not sent again';
  if (stopped.startsWith(LOOK_FAILED_STOP))
    return {
      message: `the scheduled send stopped: ${stopped.slice(LOOK_FAILED_STOP.length)}; the later waves were not started`,
      hint: `run the same command again once the state database can be read: ${rerun}`,
    };
  if (stopped.startsWith(THROTTLED_OUT))
    return {
      message: `the scheduled send stopped: the server throttled every message and took none (${stopped.slice(THROTTLED_OUT.length)}); the later waves were not started`,
      hint: `ask the provider about the sending limit (or lower send.ratePerSecond) and run the same command again: ${rerun}`,
    };
  return {
    message: `the scheduled send stopped: the SMTP server could not be reached (${stopped}); the later waves were not started`,
    hint: `check that the server in SMTP_URL is up and reachable from this host, then run the same command again: ${rerun}`,
  };
}
