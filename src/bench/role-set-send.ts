import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RoleSetSendRow } from './_role-set-send.js';

/** Rounds of the two rows, alternating; medians are printed. BENCH_ROUNDS overrides. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);

/**
 * Sending 10,000 readers over a loopback sink when they fall into 10 role sets and when nearly
 * every reader has one of their own: the speed and peak memory of the second against the first
 * (targets: within 20 % of the speed, memory not growing with the role sets). Each send runs in its
 * own process, the two alternating, so a busy machine skews both alike.
 */
export async function benchRoleSetSend(): Promise<void> {
  print(`role sets in a send: 10,000 readers, 5 connections, loopback sink; medians of ${ROUNDS} alternating runs`);
  const rows = { few: [] as RoleSetSendRow[], unique: [] as RoleSetSendRow[] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const kind of round % 2 ? (['few', 'unique'] as const) : (['unique', 'few'] as const)) {
      const row = await sendRow(kind === 'few' ? 10 : 0);
      rows[kind].push(row);
      print(
        `  round ${round}: ${String(row.roleSets).padStart(5)} role sets ${row.msgsPerSecond.toFixed(0).padStart(6)} msgs/s ${row.seconds.toFixed(2).padStart(6)} s, peak RSS ${row.peakRssMb.toFixed(0)} MB`,
      );
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const few = { rate: median(rows.few.map((r) => r.msgsPerSecond)), rss: median(rows.few.map((r) => r.peakRssMb)) };
  const unique = {
    rate: median(rows.unique.map((r) => r.msgsPerSecond)),
    rss: median(rows.unique.map((r) => r.peakRssMb)),
  };
  print(
    `  ${rows.unique[0]!.roleSets} role sets against 10: ${((unique.rate / few.rate) * 100).toFixed(0)} % of the speed (target ≥ 80 %), peak RSS ${unique.rss.toFixed(0)} MB against ${few.rss.toFixed(0)} MB`,
  );
}

function sendRow(sets: number): Promise<RoleSetSendRow> {
  const script = fileURLToPath(new URL('./_role-set-send.js', import.meta.url));
  return new Promise((resolveRow, reject) => {
    execFile(process.execPath, [script, String(sets)], { maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) reject(error);
      else resolveRow(JSON.parse(stdout.trim().split('\n').at(-1)!) as RoleSetSendRow);
    });
  });
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
