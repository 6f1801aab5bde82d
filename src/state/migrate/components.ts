import { migrateAnalytics } from '../../analytics/_migrate.js';
import { migrateAnalyticsPg } from '../../analytics/store-postgres.js';
import { migrateBounceStorePg } from '../../bounces/store-postgres.js';
import { ensureBounceSchema } from '../../bounces/store-sqlite.js';
import { migrateSubscriberStorePg } from '../../store/postgres.js';
import { migrateSubscriberStore } from '../../store/sqlite.js';
import { registerCopyComponent } from './steps.js';

/**
 * The other components that keep tables in the state: the subscriber store, analytics (the layout
 * tables travel with 'state', which creates them) and bounces. The `serve` tables (rate limits,
 * webhook token bindings) live minutes and are not copied.
 */

registerCopyComponent({
  name: 'subscribers',
  preparePostgres: migrateSubscriberStorePg,
  prepareSqlite: migrateSubscriberStore,
  tables: [
    {
      table: 'readers',
      columns: [
        'email',
        'name',
        'first_name',
        'roles',
        'timezone',
        'locale',
        'status',
        'paused_until',
        'created_at',
        'confirmed_at',
        'updated_at',
        'reader_changed_at',
        'reader_fields',
        'file_fields',
        'consent_at',
        'consent_method',
        'consent_wording',
        'pending_email',
        'confirm_nonce',
      ],
      key: ['email'],
    },
    {
      // Ids copied as they are (the log is read in id order); new entries continue after the last.
      table: 'reader_audit',
      columns: ['id', 'email', 'at', 'page', 'change'],
      key: ['id'],
      afterPostgresWrite:
        "SELECT setval(pg_get_serial_sequence('reader_audit', 'id'), (SELECT MAX(id) FROM reader_audit))",
    },
    { table: 'reader_moves', columns: ['email', 'moved_to', 'at', 'latest_moved_to'], key: ['email'] },
  ],
});

registerCopyComponent({
  name: 'analytics',
  preparePostgres: migrateAnalyticsPg,
  prepareSqlite: migrateAnalytics,
  tables: [
    {
      // No key: events in the order they happened (SQLite rowid, PostgreSQL's identity, numbered on insert).
      table: 'clicks',
      columns: ['issue_id', 'summary_id', 'role', 'variant_id', 'kind', 'target', 'clicked_at', 'first'],
      order: { sqlite: 'rowid', postgres: 'id' },
    },
  ],
});

registerCopyComponent({
  name: 'bounces',
  preparePostgres: migrateBounceStorePg,
  prepareSqlite: ensureBounceSchema,
  tables: [
    {
      table: 'bounce_events',
      columns: [
        'event_id',
        'issue_id',
        'email',
        'kind',
        'status',
        'diagnostic',
        'source',
        'outcome',
        'occurred_at',
        'recorded_at',
      ],
      key: ['event_id'],
    },
  ],
});
