import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL server for the benchmark: DATABASE_URL when set (its databases are created and
 * dropped beside the one it names), else a throwaway cluster from Debian's binaries (initdb into a
 * temp folder, unix socket only, trust authentication), else none, and the line says so.
 */
export interface BenchPostgres {
  /** A new empty database on the server. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function benchPostgres(databaseUrl: string | undefined): Promise<BenchPostgres | string> {
  if (databaseUrl) return server(databaseUrl, () => {});
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!version) return 'no PostgreSQL: set DATABASE_URL, or install Debian’s postgresql package';
  const bin = join(root, version, 'bin');
  const dir = mkdtempSync(join(tmpdir(), 'rolecast-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, command), args, { stdio: 'pipe' });
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'rolecast', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // Durable commits, as a real server runs: the round trips and fsyncs are what is measured.
  const port = await freePort();
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const url = `postgres://rolecast@127.0.0.1:${port}/postgres`;
  return server(url, () => {
    spawnSync(
      asRoot ? 'runuser' : join(bin, 'pg_ctl'),
      asRoot
        ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']
        : ['-D', data, '-m', 'immediate', 'stop'],
      { stdio: 'ignore' },
    );
    rmSync(dir, { recursive: true, force: true });
  });
}

function server(url: string, stop: () => void): BenchPostgres {
  const created: string[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    async createDatabase(name) {
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const parsed = new URL(url);
      parsed.pathname = `/${name}`;
      return parsed.toString();
    },
    async stop() {
      for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      stop();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
