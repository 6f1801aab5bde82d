import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { type Cluster, postgresBin, startCluster } from './helpers/pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the throwaway PostgreSQL cluster, or '' when none could be started. */
    postgresUrl: string;
    /** Why there is no cluster, for the note the PostgreSQL suites print when they skip. */
    postgresMissing: string;
    /** A state folder for in-memory fixture projects (their MJML cache), removed after the run. */
    fixtureStateDir: string;
  }
}

let cluster: Cluster | undefined;

/**
 * The CLI tests run the compiled CLI as a user would, so compile once before any test runs. The
 * PostgreSQL suites get one cluster for the whole run: ROLECAST_TEST_DATABASE_URL when set (CI
 * starts one), else a throwaway cluster from Debian's binaries. Under CI a missing server fails.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  let url = process.env.ROLECAST_TEST_DATABASE_URL ?? '';
  let missing = '';
  if (!url) {
    const bin = postgresBin();
    if (bin) {
      try {
        cluster = await startCluster(bin);
        url = cluster.url;
      } catch (error) {
        missing = `could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : String(error)}`;
      }
    } else
      missing = 'no PostgreSQL server binaries (apt-get install postgresql) and ROLECAST_TEST_DATABASE_URL is not set';
  }
  if (!url && process.env.CI === 'true') throw new Error(`the PostgreSQL suites need a server under CI: ${missing}`);
  project.provide('postgresUrl', url);
  project.provide('postgresMissing', missing);
  const fixtureStateDir = mkdtempSync(join(tmpdir(), 'rolecast-fixture-state-'));
  project.provide('fixtureStateDir', fixtureStateDir);
  // The notes every state file written leaves in the user's cache folder (one per temp state file)
  // go to a folder of the run's own; set before the workers and the CLIs they start inherit it.
  const cacheDir = mkdtempSync(join(tmpdir(), 'rolecast-cache-'));
  process.env.ROLECAST_CACHE_DIR ??= cacheDir;
  return () => {
    rmSync(fixtureStateDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
    return cluster?.stop();
  };
}
