import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/**
 * The one TypeORM options builder: used by the Nest module, the operator CLI, the test set-up and
 * the TypeORM CLI (data-source.ts). Schema changes only ever come from reviewed migrations.
 */
export function buildDataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    // Fail fast instead of hanging when the database is down: requests answer 503 and the pool
    // reconnects by itself when the server is back.
    extra: {
      max: 20,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30000,
      statement_timeout: 30000,
      // A server that has gone silent (frozen, or behind a broken network) never ends a query
      // itself: give up on our side a little after its own statement_timeout would have.
      query_timeout: 35000,
      idle_in_transaction_session_timeout: 60000,
      application_name: 'dsr-portal',
    },
    ...extra,
  } as DataSourceOptions;
}
