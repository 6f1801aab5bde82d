import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for the tests: initdb into a temp folder, listening on 127.0.0.1
 * and a unix socket in that folder, trust authentication (nothing leaves the machine), no fsync.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
 */
export interface Cluster {
  url: string;
  /** Stops the server at once (as a crash would) and removes the cluster. */
  stop(): void;
  /**
   * Stops the server, keeping its data: an outage. 'fast' (a maintenance restart) writes what was
   * committed first; 'immediate' may lose the last commits, as this cluster runs without fsync.
   */
  halt(mode?: 'immediate' | 'fast'): void;
  /** Starts a halted server again (a restart: pg_postmaster_start_time() moves). */
  resume(): void;
}

/** The newest Debian PostgreSQL binaries, or PG_BIN when set. */
export function postgresBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startCluster(bin: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rolecast-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  let run = (command: string, args: string[]) => execFileSync(join(bin, command), args, { stdio: 'pipe' });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
    run = (command, args) =>
      execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { stdio: 'pipe' });
  }
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'rolecast', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  const start = () => run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const halt = (mode: 'immediate' | 'fast' = 'immediate') => {
    const args = ['-D', data, '-m', mode, 'stop'];
    if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
    else spawnSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
  };
  start();
  return {
    url: `postgres://rolecast@127.0.0.1:${port}/postgres`,
    stop() {
      halt('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
    halt,
    resume: start,
  };
}
