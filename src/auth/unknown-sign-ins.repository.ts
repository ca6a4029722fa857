import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One closed minute of failed sign-ins with unknown emails, as counted. */
export interface UnknownSignInWindow {
  from: Date;
  attempts: number;
  emails: number;
  clients: number;
}

/** An arbitrary constant: the advisory lock that lets one process at a time write the tally out. */
const FLUSH_LOCK = 0x5ca1ab1e;

/** The tally of failed sign-ins with unknown emails (`unknown_sign_in_tallies`): one row per minute, email and client. */
@Injectable()
export class UnknownSignInsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One more attempt in the current minute (the database's clock) for this email and client, both keyed hashes. */
  async count(emailKey: string, clientKey: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO unknown_sign_in_tallies AS t (window_start, email_key, client_key, attempts)
       VALUES (date_trunc('minute', now()), $1, $2, 1)
       ON CONFLICT ON CONSTRAINT pk_unknown_sign_in_tallies DO UPDATE SET attempts = t.attempts + 1`,
      [emailKey, clientKey],
    );
  }

  /** Whether this transaction may write the tally out: false while another process is doing it. */
  async lockForFlush(manager: EntityManager): Promise<boolean> {
    const [row]: { locked: boolean }[] = await manager.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [FLUSH_LOCK]);
    return row.locked;
  }

  /** Removes the rows of the minutes that have ended and returns them summed per minute, oldest first. */
  async takeClosedWindows(manager: EntityManager): Promise<UnknownSignInWindow[]> {
    const rows: { from: Date; attempts: number; emails: number; clients: number }[] = await manager.query(
      `WITH taken AS (
         DELETE FROM unknown_sign_in_tallies WHERE window_start < date_trunc('minute', now()) RETURNING window_start, email_key, client_key, attempts
       )
       SELECT window_start AS "from", sum(attempts)::int AS attempts, count(DISTINCT email_key)::int AS emails, count(DISTINCT client_key)::int AS clients
       FROM taken GROUP BY window_start ORDER BY window_start`,
    );
    return rows;
  }
}
