import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

/**
 * When PostgreSQL goes away (a restart, a fail-over), a connection can report the server's
 * "terminating connection" after the driver has taken back its own error listener and before the
 * pool has put its listener back; an 'error' event with no listener would end the process. Every
 * pooled connection therefore carries one lasting listener of ours, added at its first checkout.
 * The request that was using the connection still fails on its own and is answered 503.
 */
@Injectable()
export class PgClientErrors implements OnModuleInit {
  private readonly logger = new Logger('Database');
  private readonly guarded = new WeakSet<PoolClient>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    pool?.on('acquire', (client) => {
      if (this.guarded.has(client)) return;
      this.guarded.add(client);
      client.on('error', (err: Error & { code?: string }) => this.logger.warn({ code: err.code }, 'a database connection was lost'));
    });
  }
}
