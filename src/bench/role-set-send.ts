import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RoleSetSendRow } from './_role-set-send.js';

/** Rounds of the rows, in a rotating order; medians are printed. BENCH_ROUNDS overrides. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);

const KINDS = [
  { name: 'few', sets: 10, clicks: false },
  { name: 'unique', sets: 0, clicks: false },
  { name: 'few, clicks', sets: 10, clicks: true },
  { name: 'unique, clicks', sets: 0, clicks: true },
] as const;

/**
 * Sending 10,000 readers over a loopback sink when they fall into 10 role sets and when nearly
 * every reader has one of their own, with click tracking off and on: the speed and peak memory of
 * the second against the first (targets: within 20 % of the speed, memory not growing with the
 * role sets). Each send runs in its own process, in an order that rotates every round, so a busy
 * machine skews all alike.
 */
export async function benchRoleSetSend(): Promise<void> {
  print(`role sets in a send: 10,000 readers, 5 connections, loopback sink; medians of ${ROUNDS} rotating runs`);
  const rows = new Map<string, RoleSetSendRow[]>(KINDS.map((kind) => [kind.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (let k = 0; k < KINDS.length; k++) {
      const kind = KINDS[(k + round - 1) % KINDS.length]!;
      const row = await sendRow(kind.sets, kind.clicks);
      rows.get(kind.name)!.push(row);
      print(
        `  round ${round}: ${String(row.roleSets).padStart(5)} role sets, clicks ${kind.clicks ? 'on ' : 'off'} ${row.msgsPerSecond.toFixed(0).padStart(6)} msgs/s ${row.seconds.toFixed(2).padStart(6)} s, peak RSS ${row.peakRssMb.toFixed(0)} MB`,
      );
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const summary = (name: string) => {
    const list = rows.get(name)!;
    return {
      sets: list[0]!.roleSets,
      rate: median(list.map((r) => r.msgsPerSecond)),
      rss: median(list.map((r) => r.peakRssMb)),
    };
  };
  for (const clicks of ['', ', clicks']) {
    const few = summary(`few${clicks}`);
    const unique = summary(`unique${clicks}`);
    print(
      `  clicks ${clicks ? 'on: ' : 'off:'} ${unique.sets} role sets against 10: ${((unique.rate / few.rate) * 100).toFixed(0)} % of the speed (target ≥ 80 %), peak RSS ${unique.rss.toFixed(0)} MB against ${few.rss.toFixed(0)} MB (median ${unique.rate.toFixed(0)} against ${few.rate.toFixed(0)} msgs/s)`,
    );
  }
}

function sendRow(sets: number, clicks: boolean): Promise<RoleSetSendRow> {
  const script = fileURLToPath(new URL('./_role-set-send.js', import.meta.url));
  return new Promise((resolveRow, reject) => {
    execFile(
      process.execPath,
      [script, String(sets), ...(clicks ? ['clicks'] : [])],
      { maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error) reject(error);
        else resolveRow(JSON.parse(stdout.trim().split('\n').at(-1)!) as RoleSetSendRow);
      },
    );
  });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
