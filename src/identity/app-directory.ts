import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { LinkChannel } from './link-rules';

/** An app user as the operator's records hold them: their id, and the contacts a code may go to. */
export interface AppUserContact {
  appUserId: string;
  email: string | null;
  phone: string | null;
}

/**
 * The operator's records of app users, as the link proof needs them: who, if anyone, has this
 * contact. A port, so that the records may live elsewhere than beside the portal's tables.
 */
export interface AppDirectory {
  findByContact(channel: LinkChannel, address: string): Promise<AppUserContact | null>;
  /** Whether the operator's records hold an app user of this id (a reviewer naming a represented person's account). */
  exists(appUserId: string): Promise<boolean>;
}

/** The injection token of the AppDirectory in use. */
export const APP_DIRECTORY = Symbol('AppDirectory');

/** Each query names its column: a channel never becomes SQL text of its own. */
const QUERIES: Record<LinkChannel, string> = {
  email: `SELECT id::text AS "appUserId", email, phone FROM operator_app.users WHERE email = lower($1) AND disabled_at IS NULL`,
  phone: `SELECT id::text AS "appUserId", email, phone FROM operator_app.users WHERE phone = $1 AND disabled_at IS NULL`,
};

/**
 * SQLSTATEs meaning the records are not there to read: no such table or schema (42P01, 3F000),
 * or the portal's role may not read them (42501).
 */
const RECORDS_MISSING = new Set(['42P01', '3F000', '42501']);

/** How long one look-up in the operator's records may take. */
const LOOKUP_TIMEOUT_MS = 10_000;

/**
 * The operator's app users in the schema `operator_app` of the operator's database: the one at
 * OPERATOR_DATABASE_URL when it is set (the same records the data map's `postgres` system reaches),
 * else the portal's own, where the sample schema lives. Read as the account the portal uses there
 * (it needs USAGE on the schema and SELECT on `operator_app.users`). A disabled app user has no
 * contact to prove.
 *
 * When the records cannot be read (the schema is not there yet, or the role lacks the grant), no
 * one matches and a warning says why: the subject's answer must stay the same whether or not an
 * app user exists, and a 500 only for some answers would undo that.
 */
@Injectable()
export class SqlAppDirectory implements AppDirectory, OnModuleDestroy {
  private readonly logger = new Logger(SqlAppDirectory.name);
  /** the operator's own database, when it is not the portal's */
  private readonly operator: Pool | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    const url = config.env.OPERATOR_DATABASE_URL;
    this.operator = url ? new Pool({ connectionString: url, max: 2, application_name: 'dsr-portal-directory', statement_timeout: LOOKUP_TIMEOUT_MS }) : null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.operator?.end();
  }

  async findByContact(channel: LinkChannel, address: string): Promise<AppUserContact | null> {
    const [row] = await this.read<AppUserContact>(QUERIES[channel], [address]);
    return row ?? null;
  }

  async exists(appUserId: string): Promise<boolean> {
    // The sample records number their users; anything else names no one (and never reaches the cast).
    if (!/^[1-9][0-9]{0,17}$/.test(appUserId)) return false;
    return (await this.read(`SELECT 1 FROM operator_app.users WHERE id = $1::bigint`, [appUserId])).length > 0;
  }

  private async read<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      if (this.operator) return (await this.operator.query<T & object>(sql, params)).rows;
      return await this.dataSource.query<T[]>(sql, params);
    } catch (err) {
      const code = err instanceof QueryFailedError ? (err.driverError as { code?: string }).code : (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !RECORDS_MISSING.has(code)) throw err;
      this.logger.warn({ sqlstate: code }, "the operator's app users (operator_app.users) cannot be read; no app user matches");
      return [];
    }
  }
}
