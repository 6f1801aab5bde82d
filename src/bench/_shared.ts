import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanOptions } from '../send/plan.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The role sets the bench lists cycle through: 9 distinct sets of the example issue's roles. */
export const ROLE_MIXES = [
  ['CTO'],
  ['Engineering Manager'],
  ['Data Scientist', 'Product Manager'],
  ['Security Lead', 'CTO'],
  ['ML Engineer'],
  ['Executive'],
  ['AI Architect', 'Director of AI/ML'],
  ['Consultant'],
  ['VP of Engineering/Data', 'Data Engineer'],
];

/** Bench reader `i`: one in 50 has unsubscribed, so every list also exercises the skip path. */
export function benchReader(i: number) {
  return {
    email: `reader${i}@bench.example`,
    name: `Reader ${i}`,
    roles: ROLE_MIXES[i % ROLE_MIXES.length],
    status: i % 50 === 49 ? 'unsubscribed' : 'active',
  };
}

/** A first SMTP run to every reader of the list: no ledger, no suppressions, no segments. */
export const FIRST_RUN_TO_ALL: PlanOptions = {
  segments: [],
  isSuppressed: () => false,
  recorded: new Map(),
  resend: false,
  retryFailed: false,
  mode: 'smtp',
  destination: undefined,
};

/** The loopback SMTP sink in a child process, so its CPU is not counted as the sender's. */
export async function startSink(): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, [join(HERE, '_sink.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited early (code ${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => resolvePort(Number(chunk.toString().trim())));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}
