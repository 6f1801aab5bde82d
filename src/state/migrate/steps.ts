import type { Pool } from '../../db/postgres.js';
import type { StateDb } from '../../send/store.js';
import { migrateState } from '../postgres/index.js';

/**
 * What `rolecast state migrate` copies: a list of tables per component, each copied as it is
 * (same columns, same keys on both backends). A component that keeps tables in the state adds one
 * registration below (or calls `registerCopyComponent` from a module src/state/migrate/index.ts
 * imports): its tables, and how to create them in an empty target.
 */
export interface CopyTable {
  table: string;
  columns: readonly string[];
  /** The primary key: rows are read in its order, page by page. Without one, in one go. */
  key?: readonly string[];
  /**
   * Rows whose order is part of the data (insertion order, not a key): read in this order on each
   * backend, in one go, and inserted in it. Wins over `key` for reading.
   */
  order?: { sqlite: string; postgres: string };
  /** Run on a PostgreSQL target after the rows are written (an identity set past the copied ids). */
  afterPostgresWrite?: string;
}

export interface CopyComponent {
  name: string;
  tables: readonly CopyTable[];
  /** Creates the component's tables in a PostgreSQL target (its migrations). */
  preparePostgres?: (pool: Pool) => Promise<void>;
  /** Creates them in a SQLite target, beyond what opening the state file creates. */
  prepareSqlite?: (db: StateDb) => void;
}

const components: CopyComponent[] = [];

/** Adds a component's tables to every later `state migrate`; a second registration of a name replaces it. */
export function registerCopyComponent(component: CopyComponent): void {
  const at = components.findIndex((c) => c.name === component.name);
  if (at >= 0) components[at] = component;
  else components.push(component);
}

export function copyComponents(): readonly CopyComponent[] {
  return components;
}

/**
 * The send state. Locks are not copied: a lock belongs to a process running against the source,
 * and the target must not inherit it.
 */
registerCopyComponent({
  name: 'state',
  preparePostgres: migrateState,
  tables: [
    {
      table: 'deliveries',
      columns: [
        'issue_id',
        'channel',
        'email',
        'variant_id',
        'status',
        'message_id',
        'response_code',
        'response',
        'attempts',
        'updated_at',
      ],
      key: ['issue_id', 'channel', 'email'],
    },
    {
      table: 'runs',
      columns: [
        'issue_id',
        'channel',
        'planned',
        'started_at',
        'finished_at',
        'outcome',
        'resend_started_at',
        'open_resend_since',
      ],
      key: ['issue_id', 'channel'],
    },
    { table: 'suppressions', columns: ['email', 'reason', 'source', 'created_at'], key: ['email'] },
    {
      table: 'schedule_waves',
      columns: ['issue_id', 'channel', 'wave_utc', 'status', 'recipients', 'zones', 'detail', 'updated_at'],
      key: ['issue_id', 'channel', 'wave_utc'],
    },
    {
      table: 'issue_variants',
      columns: ['issue_id', 'variant_id', 'roles', 'sections', 'recorded_at', 'clicks_tagged'],
      key: ['issue_id', 'variant_id'],
    },
    {
      table: 'issue_summaries',
      columns: ['issue_id', 'summary_id', 'roles', 'topics'],
      key: ['issue_id', 'summary_id'],
      // A report lists an issue's summaries in the order the send recorded them: the SQLite rowid,
      // PostgreSQL's position (numbered in insert order when a row is written without one).
      order: { sqlite: 'rowid', postgres: 'issue_id, position' },
    },
  ],
});
