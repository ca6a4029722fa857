import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../policy/domain/policy.types';

/** A hold as stored, with whether it is in force as the database's clock sees it. */
export interface HoldRow {
  id: string;
  subjectId: string;
  subjectRef: string;
  categories: DataCategory[];
  clauses: string[];
  law: string[];
  policyVersion: number;
  reference: string | null;
  retention: string | null;
  note: string;
  until: Date;
  placedBy: string;
  placedAt: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
  releaseReason: string | null;
  active: boolean;
  expired: boolean;
  /** `placed_at` in microseconds since the epoch, as text: the list's keyset position */
  placedMicros: string;
}

/** A hold to place: what legal gives, before the database adds its id, time and state. */
export type NewHold = Omit<HoldRow, 'id' | 'placedAt' | 'releasedAt' | 'releasedBy' | 'releaseReason' | 'active' | 'expired' | 'placedMicros'>;

export interface HoldsFilter {
  subjectId?: string;
  /** true: in force; false: released or expired; absent: all */
  active?: boolean;
}

/** A position in the list (newest first): the exact placement time in microseconds, as text, and the id. */
export interface HoldPosition {
  placedMicros: string;
  id: string;
}

const ACTIVE_SQL = `(released_at IS NULL AND until > now())`;

const HOLD_COLUMNS = `id, subject_id AS "subjectId", subject_ref AS "subjectRef", categories, clauses, law,
  policy_version AS "policyVersion", reference, retention, note, until, placed_by AS "placedBy", placed_at AS "placedAt",
  released_at AS "releasedAt", released_by AS "releasedBy", release_reason AS "releaseReason",
  ${ACTIVE_SQL} AS active, (released_at IS NULL AND until <= now()) AS expired,
  (extract(epoch FROM placed_at) * 1000000)::bigint::text AS "placedMicros"`;

/** The queries of legal holds. A hold is inserted, read, and released; never deleted (the table's trigger). */
@Injectable()
export class HoldsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, hold: NewHold): Promise<HoldRow> {
    const [row]: HoldRow[] = await manager.query(
      `INSERT INTO legal_holds (subject_id, subject_ref, categories, clauses, law, policy_version, reference, retention, note, until, placed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING ${HOLD_COLUMNS}`,
      [
        hold.subjectId,
        hold.subjectRef,
        hold.categories,
        hold.clauses,
        hold.law,
        hold.policyVersion,
        hold.reference,
        hold.retention,
        hold.note,
        hold.until,
        hold.placedBy,
      ],
    );
    return row;
  }

  async findById(id: string, manager?: EntityManager): Promise<HoldRow | null> {
    const [row]: HoldRow[] = await (manager ?? this.dataSource.manager).query(`SELECT ${HOLD_COLUMNS} FROM legal_holds WHERE id = $1`, [id]);
    return row ?? null;
  }

  /**
   * The holds with these ids. With `manager` (the caller's transaction), their rows are locked FOR
   * SHARE until it ends: a release waits, so what was found in force stays so until the caller commits.
   */
  findByIds(ids: readonly string[], manager?: EntityManager): Promise<HoldRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return (manager ?? this.dataSource.manager).query(
      `SELECT ${HOLD_COLUMNS} FROM legal_holds WHERE id = ANY($1::uuid[]) ORDER BY id${manager ? ' FOR SHARE' : ''}`,
      [ids],
    );
  }

  /** The holds of a subject in force now, soonest to end first (ix_legal_holds_subject_active). */
  findActiveOfSubject(subjectId: string, manager?: EntityManager): Promise<HoldRow[]> {
    return (manager ?? this.dataSource.manager).query(
      `SELECT ${HOLD_COLUMNS} FROM legal_holds
       WHERE subject_id = $1 AND released_at IS NULL AND until > now()
       ORDER BY until, id`,
      [subjectId],
    );
  }

  /**
   * One page of holds, newest first, after `after` (keyset pagination). Reads `limit + 1` rows so
   * that the caller knows whether another page follows.
   */
  findPage(filter: HoldsFilter, limit: number, after?: HoldPosition): Promise<HoldRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (filter.subjectId) where.push(`subject_id = ${param(filter.subjectId)}`);
    if (filter.active === true) where.push(ACTIVE_SQL);
    else if (filter.active === false) where.push(`NOT ${ACTIVE_SQL}`);
    if (after)
      where.push(`(placed_at, id) < ('epoch'::timestamptz + ${param(after.placedMicros)}::bigint * interval '1 microsecond', ${param(after.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${HOLD_COLUMNS} FROM legal_holds
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY placed_at DESC, id DESC
       LIMIT ${param(limit + 1)}`,
      params,
    );
  }

  /**
   * Releases a hold in force: the release columns, once. Null when the hold is not in force (or
   * does not exist); a concurrent second release waits for the first and then finds nothing.
   */
  async release(manager: EntityManager, id: string, releasedBy: string, reason: string): Promise<HoldRow | null> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [HoldRow[], number] = await manager.query(
      `UPDATE legal_holds SET released_at = now(), released_by = $2, release_reason = $3
       WHERE id = $1 AND ${ACTIVE_SQL}
       RETURNING ${HOLD_COLUMNS}`,
      [id, releasedBy, reason],
    );
    return rows[0] ?? null;
  }
}
