import { existsSync } from 'node:fs';
import { RolecastError } from '../../errors.js';
import { heldOnThisHost } from '../../send/lock.js';
import { describeLocation, type StateLocation } from '../location.js';
import { openState } from '../open.js';
import { type HeldLock, openSide, type Side } from './sides.js';
import './components.js';
import { copyComponents } from './steps.js';

export { type CopyComponent, type CopyTable, registerCopyComponent } from './steps.js';

export interface MigrateOptions {
  from: StateLocation;
  to: StateLocation;
  /** Empty the target's tables first; without it a target holding rows is refused. */
  replace?: boolean;
  /** This host's state folder: where a PostgreSQL source's side files (a stopped run's) are kept. */
  localDir?: string | undefined;
}

async function applyPending(from: StateLocation, localDir: string | undefined): Promise<MigrateResult['applied']> {
  const store = await openState(from, { localDir });
  try {
    const pending = await store.applyPending(() => new Date());
    return { unsubscribes: pending.journal.read, unrecorded: pending.unrecorded };
  } finally {
    await store.close();
  }
}

async function refuseWhileSending(side: Side): Promise<void> {
  const held = (await side.locks()).filter(heldOnThisHost);
  if (held.length === 0) return;
  const one = held[0] as HeldLock;
  throw new RolecastError(
    'E_LOCKED',
    `a send of ${one.issue_id} is running on ${side.description} (pid ${one.pid} on ${one.host}); nothing was copied`,
    {
      hint: 'let it finish, or stop it, then run the migration',
    },
  );
}

export interface MigrateResult {
  from: string;
  to: string;
  tables: { table: string; rows: number }[];
  /** Journaled unsubscribes and unrecorded messages written into the source before the copy. */
  applied: { unsubscribes: number; unrecorded: number };
}

/**
 * Copies the state from one backend to the other (SQLite ↔ PostgreSQL), table by table, in one
 * transaction on the target: every table's row count is checked against the source before the
 * commit, so a copy is whole or not there at all. No row of the source is changed (a SQLite source
 * gets the schema upgrades any command would apply when opening it).
 */
export async function migrateStateData(options: MigrateOptions): Promise<MigrateResult> {
  const from = describeLocation(options.from);
  const to = describeLocation(options.to);
  if (from === to)
    throw new RolecastError('E_USAGE', `the source and the target are the same (${from})`, {
      hint: 'name another database or file with --to',
    });
  if (options.from.kind === 'sqlite' && !existsSync(options.from.file))
    throw new RolecastError('E_NOT_FOUND', `there is no state file at ${from}`, {
      hint: 'pass the state file to copy with --from FILE (or --state FILE), or check stateDir in rolecast.config.json',
    });
  const source = await openSide(options.from);
  let target: Side | undefined;
  try {
    target = await openSide(options.to, true);
    // A send writing to either side while rows are copied: its later rows would miss the copy.
    for (const side of [source, target]) await refuseWhileSending(side);
    const components = copyComponents();
    for (const component of components) await target.prepare(component);
    // A shared source gets the schema any command would give it (e.g. the order of layout rows).
    if (options.from.kind === 'postgres') for (const component of components) await source.prepare(component);
    const tables = components.flatMap((c) => c.tables);
    const present: typeof tables = [];
    for (const t of tables) if (await source.hasTable(t.table)) present.push(t);
    const held: string[] = [];
    for (const t of tables) {
      const n = (await target.hasTable(t.table)) ? await target.count(t.table) : 0;
      if (n > 0) held.push(`${t.table}: ${n}`);
    }
    if (held.length > 0 && !options.replace)
      throw new RolecastError(
        'E_USAGE',
        `the target ${to} already holds rows (${held.join(', ')}); nothing was copied`,
        {
          hint: 'copy into an empty database or file, or pass --replace to empty its tables first',
        },
      );
    // What `serve` could only journal and what a stopped run sent but could not record: into the
    // source first, so the copy holds them (left behind, those readers would be mailed again). Only
    // once the copy is allowed: a refused migration leaves the source's side files as they were.
    const applied = await applyPending(options.from, options.localDir);
    const copied: MigrateResult['tables'] = [];
    // Counts and rows from one snapshot of the source, so a send writing meanwhile cannot skew them.
    await source.snapshot();
    await target.begin();
    try {
      if (options.replace) for (const t of tables) if (await target.hasTable(t.table)) await target.clear(t.table);
      for (const t of present) {
        const expected = await source.count(t.table);
        for await (const page of source.read(t)) await target.write(t, page);
        const rows = await target.count(t.table);
        if (rows !== expected)
          throw new RolecastError('E_INVALID', `${t.table}: ${rows} row(s) in the target, ${expected} in the source`, {
            hint: 'nothing was copied; run it again, and report this if it happens twice',
          });
        copied.push({ table: t.table, rows });
      }
      await target.commit();
    } catch (error) {
      await target.rollback();
      throw error;
    }
    return { from, to, tables: copied, applied };
  } finally {
    await target?.close().catch(() => {});
    await source.close().catch(() => {});
  }
}
