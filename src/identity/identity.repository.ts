import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LINK_RULES, LinkChannel } from './link-rules';

/** A portal account's link to an app user. */
export interface LinkRow {
  appUserId: string;
  channel: LinkChannel;
  linkedAt: Date;
}

/** A code to store as an account's pending challenge, replacing the one before. */
export interface NewChallenge {
  subjectId: string;
  channel: LinkChannel;
  /** the app user who has the contact, or null when none has it */
  appUserRef: string | null;
  codeHash: Buffer;
}

/** An account's challenge as confirming reads it, locked for the rest of the transaction. */
export interface ChallengeRow {
  channel: LinkChannel;
  appUserRef: string | null;
  codeHash: Buffer;
  /** sent and not yet expired */
  pending: boolean;
  /** when the lock lifts, while it holds; null otherwise */
  lockedUntil: Date | null;
}

/** After a wrong code: the tries counted since the last lock, and the lock if this try set it. */
export interface WrongTry {
  wrongTries: number;
  lockedUntil: Date | null;
}

const { codeTtlMinutes, sendWindowMinutes, maxSendsPerWindow, maxWrongTries, lockMinutes } = LINK_RULES;

/**
 * The queries of the link proof. Time is the database's (`now()`): every portal process reads one
 * clock, and a test moves it by moving the stored times.
 */
export interface RepresentedRow {
  appUserId: string;
  namedBy: string;
  namedAt: Date;
  note: string;
}

@Injectable()
export class IdentityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findLink(subjectId: string, manager?: EntityManager): Promise<LinkRow | null> {
    const [row]: LinkRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT app_user_ref AS "appUserId", channel, linked_at AS "linkedAt" FROM identity_links WHERE subject_id = $1`,
      [subjectId],
    );
    return row ?? null;
  }

  /** The represented person's app account a reviewer named for a request filed on their behalf. */
  async findRepresented(requestId: string, manager?: EntityManager): Promise<RepresentedRow | null> {
    const [row]: RepresentedRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT app_user_ref AS "appUserId", named_by AS "namedBy", named_at AS "namedAt", note FROM represented_accounts WHERE request_id = $1`,
      [requestId],
    );
    return row ?? null;
  }

  /** Once per request: false when one was named already. */
  async insertRepresented(manager: EntityManager, requestId: string, appUserId: string, namedBy: string, note: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO represented_accounts (request_id, app_user_ref, named_by, note) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO NOTHING RETURNING 1`,
      [requestId, appUserId, namedBy, note],
    );
    return rows.length === 1;
  }

  /** Removes the link and any pending code of a closed account; answers whether there was a link. */
  async forget(manager: EntityManager, subjectId: string): Promise<boolean> {
    await manager.query(`DELETE FROM identity_challenges WHERE subject_id = $1`, [subjectId]);
    const [, count]: [unknown, number] = await manager.query(`DELETE FROM identity_links WHERE subject_id = $1`, [subjectId]);
    return count === 1;
  }

  /**
   * Stores a new code, replacing the pending one, and counts the send: one statement, so that
   * concurrent sends of one account queue on its row and none passes the allowance. The wrong
   * tries and the lock stay as they were (a new code does not buy new guesses). Null, and nothing
   * written, when the account already had its sends of the current window.
   */
  async replaceChallenge(manager: EntityManager, c: NewChallenge): Promise<{ expiresAt: Date; sendsInWindow: number } | null> {
    const [row]: { expiresAt: Date; sendsInWindow: number }[] = await manager.query(
      `INSERT INTO identity_challenges AS c (subject_id, channel, app_user_ref, code_hash, expires_at, sends_window_start, sends_in_window)
       VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5), now(), 1)
       ON CONFLICT (subject_id) DO UPDATE SET
         channel = EXCLUDED.channel,
         app_user_ref = EXCLUDED.app_user_ref,
         code_hash = EXCLUDED.code_hash,
         expires_at = EXCLUDED.expires_at,
         sends_window_start = CASE WHEN c.sends_window_start <= now() - make_interval(mins => $6) THEN now() ELSE c.sends_window_start END,
         sends_in_window = CASE WHEN c.sends_window_start <= now() - make_interval(mins => $6) THEN 1 ELSE c.sends_in_window + 1 END
       WHERE c.sends_window_start <= now() - make_interval(mins => $6) OR c.sends_in_window < $7
       RETURNING expires_at AS "expiresAt", sends_in_window AS "sendsInWindow"`,
      [c.subjectId, c.channel, c.appUserRef, c.codeHash, codeTtlMinutes, sendWindowMinutes, maxSendsPerWindow],
    );
    return row ?? null;
  }

  /** When the account's current send window ends (its allowance is whole again). */
  async sendWindowEnd(manager: EntityManager, subjectId: string): Promise<Date> {
    const [row]: { windowEnds: Date }[] = await manager.query(
      `SELECT sends_window_start + make_interval(mins => $2) AS "windowEnds" FROM identity_challenges WHERE subject_id = $1`,
      [subjectId, sendWindowMinutes],
    );
    return row.windowEnds;
  }

  /** The account's challenge, locked FOR UPDATE: two confirmations of one account take turns. */
  async lockChallenge(manager: EntityManager, subjectId: string): Promise<ChallengeRow | null> {
    const [row]: ChallengeRow[] = await manager.query(
      `SELECT channel, app_user_ref AS "appUserRef", code_hash AS "codeHash", expires_at > now() AS pending,
              CASE WHEN locked_until > now() THEN locked_until END AS "lockedUntil"
       FROM identity_challenges WHERE subject_id = $1 FOR UPDATE`,
      [subjectId],
    );
    return row ?? null;
  }

  /** Counts a wrong code; the last allowed one locks confirmation and starts the count again. */
  async countWrongTry(manager: EntityManager, subjectId: string): Promise<WrongTry> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [WrongTry[], number] = await manager.query(
      `UPDATE identity_challenges SET
         wrong_tries = CASE WHEN wrong_tries + 1 >= $2 THEN 0 ELSE wrong_tries + 1 END,
         locked_until = CASE WHEN wrong_tries + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
       WHERE subject_id = $1
       RETURNING wrong_tries AS "wrongTries", CASE WHEN locked_until > now() THEN locked_until END AS "lockedUntil"`,
      [subjectId, maxWrongTries, lockMinutes],
    );
    return rows[0];
  }

  /** A code used (rightly) is gone: it cannot be used again. */
  async consumeChallenge(manager: EntityManager, subjectId: string): Promise<void> {
    await manager.query(`DELETE FROM identity_challenges WHERE subject_id = $1`, [subjectId]);
  }

  /** The portal account an app user is linked to, if any. */
  async subjectLinkedTo(manager: EntityManager, appUserRef: string): Promise<string | null> {
    const [row]: { subjectId: string }[] = await manager.query(`SELECT subject_id AS "subjectId" FROM identity_links WHERE app_user_ref = $1`, [appUserRef]);
    return row?.subjectId ?? null;
  }

  /**
   * Writes the link; null when either side is linked already. ON CONFLICT waits for a concurrent
   * link of the same app user or account to commit, so of two only one is written.
   */
  async insertLink(manager: EntityManager, subjectId: string, appUserRef: string, channel: LinkChannel): Promise<Date | null> {
    const [row]: { linkedAt: Date }[] = await manager.query(
      `INSERT INTO identity_links (subject_id, app_user_ref, channel) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING
       RETURNING linked_at AS "linkedAt"`,
      [subjectId, appUserRef, channel],
    );
    return row?.linkedAt ?? null;
  }
}
