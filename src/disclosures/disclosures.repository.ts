import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Cursor from 'pg-cursor';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { DataCategory } from '../policy/domain/policy.types';
import type { DisclosurePosition } from './disclosure-cursor';
import { DisclosureStatus } from './domain/disclosure.types';

/** An entry to record: what staff or legal give, checked, before the database adds its id and time. */
export interface NewDisclosure {
  recipientName: string;
  recipientKind: string;
  recipientCountry: string;
  recipientContact: string | null;
  basis: string[];
  law: string[];
  categories: DataCategory[];
  purpose: string;
  reference: string | null;
  emergency: string | null;
  consentPurpose: string | null;
  agreementRef: string | null;
  transferMechanism: string | null;
  transferRef: string | null;
  impactAssessmentRef: string | null;
  prcApprovalRef: string | null;
  firstDisclosedAt: Date;
  lastDisclosedAt: Date;
  frequency: string | null;
  policyVersion: number;
  corrects: string | null;
  correctionReason: string | null;
  contentHash: string;
  recordedBy: string;
  subjects: { id: string; subjectRef: string }[];
}

/** An entry as stored: what was recorded, with its review and whether a withholding is in force (as the database's clock sees it). */
export interface DisclosureRow extends Omit<NewDisclosure, 'subjects'> {
  id: string;
  subjectCount: number;
  recordedAt: Date;
  subjectIds: string[];
  correctedBy: string | null;
  reviewOutcome: 'confirmed' | 'flagged' | null;
  reviewNote: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  withheldUntil: Date | null;
  /** `last_disclosed_at` in microseconds since the epoch, as text: the list's keyset position */
  lastMicros: string;
}

export interface WithholdingRow {
  id: string;
  entryId: string;
  law: string[];
  reference: string;
  until: Date;
  note: string | null;
  withheldBy: string;
  withheldAt: Date;
  active: boolean;
}

export interface DisclosureFilter {
  kind?: string;
  clause?: string;
  provision?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
  status?: DisclosureStatus;
  corrected?: boolean;
}

export interface BasisCountRow {
  basis: string;
  kind: string;
  entries: number;
  pendingReview: number;
  confirmed: number;
  flagged: number;
  made: number;
}

/**
 * Rows read per round trip while the CSV export streams: memory holds one batch whatever the size
 * of the register. Small enough (about 0.4 MiB of rows) that a batch is garbage before V8's young
 * generation is collected twice: 500-row batches outlived it, reached the old generation, and
 * piled up there until a full collection (the portal's RSS grew by 120 MiB over 100,000 entries and
 * 237 MiB over 300,000; with 100 rows a batch it does not grow: bench/README.md, "disclosures").
 */
export const EXPORT_BATCH_ROWS = 100;

const ENTRY_COLUMNS = `e.id, e.recipient_name AS "recipientName", e.recipient_kind AS "recipientKind",
  e.recipient_country AS "recipientCountry", e.recipient_contact AS "recipientContact", e.basis, e.law, e.categories, e.purpose,
  e.reference, e.emergency, e.consent_purpose AS "consentPurpose", e.agreement_ref AS "agreementRef",
  e.transfer_mechanism AS "transferMechanism", e.transfer_ref AS "transferRef", e.impact_assessment_ref AS "impactAssessmentRef",
  e.prc_approval_ref AS "prcApprovalRef", e.first_disclosed_at AS "firstDisclosedAt", e.last_disclosed_at AS "lastDisclosedAt",
  e.frequency, e.policy_version AS "policyVersion", e.corrects, e.correction_reason AS "correctionReason",
  e.subject_count AS "subjectCount", e.content_hash AS "contentHash", e.recorded_by AS "recordedBy", e.recorded_at AS "recordedAt",
  ARRAY(SELECT s.subject_id FROM disclosure_subjects s WHERE s.entry_id = e.id ORDER BY s.subject_id) AS "subjectIds",
  (SELECT x.id FROM disclosure_entries x WHERE x.corrects = e.id) AS "correctedBy",
  r.outcome AS "reviewOutcome", r.note AS "reviewNote", r.reviewed_by AS "reviewedBy", r.reviewed_at AS "reviewedAt",
  (SELECT max(w.until) FROM disclosure_withholdings w WHERE w.entry_id = e.id AND w.until > now()) AS "withheldUntil",
  (extract(epoch FROM e.last_disclosed_at) * 1000000)::bigint::text AS "lastMicros"`;

const WITHHOLDING_COLUMNS = `id, entry_id AS "entryId", law, reference, until, note, withheld_by AS "withheldBy", withheld_at AS "withheldAt", (until > now()) AS active`;

/** A statement with its parameters, numbered as they are added. */
class Statement {
  readonly params: unknown[] = [];
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/**
 * The queries of the register. Entries and their rows are inserted and read, never updated or
 * deleted (the tables' triggers refuse it to everyone).
 */
@Injectable()
export class DisclosuresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The entry, its subjects and the ids it cites (one row each, for the filters), in the caller's transaction. */
  async insert(manager: EntityManager, d: NewDisclosure): Promise<string> {
    const [{ id }]: { id: string }[] = await manager.query(
      `INSERT INTO disclosure_entries (recipient_name, recipient_kind, recipient_country, recipient_contact, basis, law, categories, purpose,
         reference, emergency, consent_purpose, agreement_ref, transfer_mechanism, transfer_ref, impact_assessment_ref, prc_approval_ref,
         first_disclosed_at, last_disclosed_at, frequency, policy_version, corrects, correction_reason, subject_count, content_hash, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)
       RETURNING id`,
      [
        d.recipientName,
        d.recipientKind,
        d.recipientCountry,
        d.recipientContact,
        d.basis,
        d.law,
        d.categories,
        d.purpose,
        d.reference,
        d.emergency,
        d.consentPurpose,
        d.agreementRef,
        d.transferMechanism,
        d.transferRef,
        d.impactAssessmentRef,
        d.prcApprovalRef,
        d.firstDisclosedAt,
        d.lastDisclosedAt,
        d.frequency,
        d.policyVersion,
        d.corrects,
        d.correctionReason,
        d.subjects.length,
        d.contentHash,
        d.recordedBy,
      ],
    );
    // last_disclosed_at is filled from the entry by the tables' trigger.
    await manager.query(
      `INSERT INTO disclosure_subjects (entry_id, subject_id, subject_ref, last_disclosed_at)
       SELECT $1, s.id, s.ref, now() FROM unnest($2::uuid[], $3::uuid[]) AS s(id, ref)`,
      [id, d.subjects.map((s) => s.id), d.subjects.map((s) => s.subjectRef)],
    );
    await manager.query(
      `INSERT INTO disclosure_citations (entry_id, cited, last_disclosed_at) SELECT DISTINCT $1::uuid, c, now() FROM unnest($2::text[]) AS c`,
      [id, [...d.basis, ...d.law]],
    );
    return id;
  }

  async findById(id: string, manager?: EntityManager): Promise<DisclosureRow | null> {
    const [row]: DisclosureRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${ENTRY_COLUMNS} FROM disclosure_entries e LEFT JOIN disclosure_reviews r ON r.entry_id = e.id WHERE e.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * Who recorded an entry, and its kind. No row lock: an entry never changes, and the portal's role
   * may not take one on an append-only table (FOR SHARE needs UPDATE rights, which it lacks).
   */
  async findForChange(manager: EntityManager, id: string): Promise<{ id: string; recordedBy: string; recipientKind: string } | null> {
    const [row]: { id: string; recordedBy: string; recipientKind: string }[] = await manager.query(
      `SELECT id, recorded_by AS "recordedBy", recipient_kind AS "recipientKind" FROM disclosure_entries WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  async correctionOf(id: string, manager: EntityManager): Promise<string | null> {
    const [row]: { id: string }[] = await manager.query(`SELECT id FROM disclosure_entries WHERE corrects = $1`, [id]);
    return row?.id ?? null;
  }

  /** The review, once; null when the entry already has one (a concurrent reviewer's, say). */
  async insertReview(manager: EntityManager, entryId: string, outcome: string, note: string, reviewedBy: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO disclosure_reviews (entry_id, outcome, note, reviewed_by, last_disclosed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (entry_id) DO NOTHING RETURNING entry_id`,
      [entryId, outcome, note, reviewedBy],
    );
    return rows.length > 0;
  }

  async reviewOf(manager: EntityManager, entryId: string): Promise<{ outcome: string; reviewedAt: Date } | null> {
    const [row]: { outcome: string; reviewedAt: Date }[] = await manager.query(
      `SELECT outcome, reviewed_at AS "reviewedAt" FROM disclosure_reviews WHERE entry_id = $1`,
      [entryId],
    );
    return row ?? null;
  }

  async insertWithholding(
    manager: EntityManager,
    w: { entryId: string; law: string[]; reference: string; until: Date; note: string | null; withheldBy: string },
  ): Promise<WithholdingRow> {
    const [row]: WithholdingRow[] = await manager.query(
      `INSERT INTO disclosure_withholdings (entry_id, law, reference, until, note, withheld_by) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${WITHHOLDING_COLUMNS}`,
      [w.entryId, w.law, w.reference, w.until, w.note, w.withheldBy],
    );
    return row;
  }

  withholdingsOf(entryId: string): Promise<WithholdingRow[]> {
    return this.dataSource.query(`SELECT ${WITHHOLDING_COLUMNS} FROM disclosure_withholdings WHERE entry_id = $1 ORDER BY withheld_at, id`, [entryId]);
  }

  /** The subject's entries that no correction replaced, newest disclosure first (ix_disclosure_subjects_subject). */
  currentOfSubject(subjectId: string, manager?: EntityManager): Promise<DisclosureRow[]> {
    return (manager ?? this.dataSource.manager).query(
      `SELECT ${ENTRY_COLUMNS}
       FROM disclosure_subjects d JOIN disclosure_entries e ON e.id = d.entry_id LEFT JOIN disclosure_reviews r ON r.entry_id = e.id
       WHERE d.subject_id = $1 AND NOT EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)
       ORDER BY d.last_disclosed_at DESC, d.entry_id DESC`,
      [subjectId],
    );
  }

  /** One page of the register, newest disclosure first, after `after`; reads `limit + 1` rows so the caller knows whether more follow. */
  findPage(filter: DisclosureFilter, limit: number, after?: DisclosurePosition): Promise<DisclosureRow[]> {
    // A page is a few dozen rows read in index order: starting parallel workers for it costs more
    // (about 10 ms) than it could save, and the planner's estimates for sparse filters invite them.
    // With `to`, the longest span of a repeated entry is read first and the page in the same snapshot.
    const work = async (manager: EntityManager): Promise<DisclosureRow[]> => {
      await manager.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      const { sql, params } = await this.pageStatement(filter, limit, after, manager);
      return manager.query(sql, params);
    };
    return filter.to ? this.dataSource.transaction('REPEATABLE READ', work) : this.dataSource.transaction(work);
  }

  /** The statement behind a page, as findPage runs it (also for the benchmark's EXPLAIN). */
  async pageStatement(
    filter: DisclosureFilter,
    limit: number,
    after?: DisclosurePosition,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ sql: string; params: unknown[] }> {
    const st = new Statement();
    const sql = this.pageSql(st, filter, limit + 1, after, filter.to ? await this.longestRepeat(manager) : undefined);
    return { sql, params: st.params };
  }

  /**
   * The longest span of a repeated entry (last date − first date; an entry disclosed once has
   * none), from ix_disclosure_entries_repeat_span, as PostgreSQL's text of the interval: a page
   * with `to` passes it as a value, so that the planner knows how far its index scan reaches.
   */
  private async longestRepeat(manager: EntityManager): Promise<string> {
    const [{ span }]: { span: string }[] = await manager.query(
      `SELECT coalesce(max(last_disclosed_at - first_disclosed_at), interval '0')::text AS span FROM disclosure_entries WHERE frequency IS NOT NULL`,
    );
    return span;
  }

  /**
   * The export's statement: every entry the filter selects after `after`, in list order, from one
   * index (no LIMIT). Same rows and order as the pages (the benchmark compares them).
   */
  listStatement(filter: DisclosureFilter, after?: DisclosurePosition): { sql: string; params: unknown[] } {
    const st = new Statement();
    const sql = this.listSql(st, filter, after);
    return { sql, params: st.params };
  }

  /**
   * Every entry the filter selects, in list order, in batches read through a cursor in one
   * read-only snapshot on a connection of its own: memory holds one batch, whatever the register's size.
   */
  async *stream(filter: DisclosureFilter, batchRows = EXPORT_BATCH_ROWS): AsyncGenerator<DisclosureRow[]> {
    const st = new Statement();
    const sql = this.listSql(st, filter);
    const runner = this.dataSource.createQueryRunner('slave');
    const client = (await runner.connect()) as PoolClient;
    let cursor: Cursor<DisclosureRow> | undefined;
    let committed = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      cursor = client.query(new Cursor<DisclosureRow>(sql, st.params));
      for (;;) {
        const rows = await cursor.read(batchRows);
        if (rows.length === 0) break;
        yield rows;
      }
      await cursor.close();
      await client.query('COMMIT');
      committed = true;
    } finally {
      // An error, or a download the client left halfway (the stream stops asking): the snapshot is
      // ended before the connection goes back to the pool, never handed on inside a transaction.
      if (!committed) {
        await cursor?.close().catch(() => undefined);
        await client.query('ROLLBACK').catch(() => undefined);
      }
      await runner.release();
    }
  }

  /** Current entries (no correction replaced them) per cited clause or provision and recipient kind. */
  countByBasis(filter: Pick<DisclosureFilter, 'kind' | 'from' | 'to'>): Promise<BasisCountRow[]> {
    const st = new Statement();
    const where = ['NOT EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)'];
    if (filter.kind) where.push(`e.recipient_kind = ${st.param(filter.kind)}`);
    if (filter.from) where.push(`c.last_disclosed_at >= ${st.param(filter.from)}`);
    if (filter.to) where.push(`e.first_disclosed_at <= ${st.param(filter.to)}`);
    return this.dataSource.query(
      `SELECT c.cited AS basis, e.recipient_kind AS kind, count(*)::int AS entries,
         (count(*) FILTER (WHERE r.outcome IS NULL))::int AS "pendingReview",
         (count(*) FILTER (WHERE r.outcome = 'confirmed'))::int AS confirmed,
         (count(*) FILTER (WHERE r.outcome = 'flagged'))::int AS flagged,
         (count(*) FILTER (WHERE e.recipient_kind <> 'authority' OR r.outcome = 'confirmed'))::int AS made
       FROM disclosure_citations c JOIN disclosure_entries e ON e.id = c.entry_id LEFT JOIN disclosure_reviews r ON r.entry_id = e.id
       WHERE ${where.join(' AND ')}
       GROUP BY c.cited, e.recipient_kind ORDER BY c.cited, e.recipient_kind`,
      st.params,
    );
  }

  /** Current entries in all, and those that count as made. */
  async countCurrent(filter: Pick<DisclosureFilter, 'kind' | 'from' | 'to'>): Promise<{ entries: number; made: number }> {
    const st = new Statement();
    const where = ['NOT EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)'];
    if (filter.kind) where.push(`e.recipient_kind = ${st.param(filter.kind)}`);
    if (filter.from) where.push(`e.last_disclosed_at >= ${st.param(filter.from)}`);
    if (filter.to) where.push(`e.first_disclosed_at <= ${st.param(filter.to)}`);
    const [row]: { entries: number; made: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS entries, (count(*) FILTER (WHERE e.recipient_kind <> 'authority' OR r.outcome = 'confirmed'))::int AS made
       FROM disclosure_entries e LEFT JOIN disclosure_reviews r ON r.entry_id = e.id WHERE ${where.join(' AND ')}`,
      st.params,
    );
    return row;
  }

  /**
   * A page's statement: the list's (`listSql`) with a LIMIT, unless the filter has `to`.
   *
   * With `to` (in the period when it began by `to`), the list's index would be read from the newest
   * entry down, testing each entry's first date. So the page's positions (last date, id) come in two
   * parts under one ORDER BY … LIMIT, and only the page's entries are then read with their columns:
   * - the entries whose last date is by `to` (their first date is too): the list's statement,
   *   bounded above by `to` on its driving index;
   * - the repeated entries (an entry disclosed once has first = last) that began by `to` and were
   *   disclosed again after it (`spanningSql`).
   * Same rows, order and keyset as `listSql`; pages of any size follow one another the same way.
   */
  private pageSql(st: Statement, filter: DisclosureFilter, rows: number, after: DisclosurePosition | undefined, longest: string | undefined): string {
    if (!filter.to) return `${this.listSql(st, filter, after)} LIMIT ${st.param(rows)}`;
    const limit = st.param(rows);
    const p = this.listParts(st, filter, after, 'last');
    const inPeriod = `SELECT ${p.lastCol} AS last_at, ${p.idCol} AS entry_id FROM ${p.from} WHERE ${p.where.join(' AND ')}
         ORDER BY ${p.lastCol} DESC, ${p.idCol} DESC LIMIT ${limit}`;
    return `SELECT ${ENTRY_COLUMNS}
       FROM ((${inPeriod}) UNION ALL (${this.spanningSql(st, filter, limit, longest ?? '0', after)})) k
         JOIN disclosure_entries e ON e.id = k.entry_id LEFT JOIN disclosure_reviews r ON r.entry_id = e.id
       ORDER BY k.last_at DESC, k.entry_id DESC LIMIT ${limit}`;
  }

  /**
   * The positions of the repeated entries that began by `filter.to` and were disclosed again after
   * it, newest first, that pass the other filters. Read from ix_disclosure_entries_repeated, down
   * from `to` plus the longest span of a repeated entry (`longest`, read in the same snapshot), with
   * the first date, kind and cited ids tested in the index itself: an entry's citations are its
   * basis and law (`insert` writes them from those), so an entry whose arrays lack a cited id is
   * dropped there, and only the others are looked up in disclosure_citations. A subject's entries
   * are few: for a subject, its own index drives instead.
   */
  private spanningSql(st: Statement, filter: DisclosureFilter, limit: string, longest: string, after?: DisclosurePosition): string {
    const to = st.param(filter.to);
    const until = `${to}::timestamptz + ${st.param(longest)}::interval`;
    const bySubject = !!filter.subjectId;
    const [lastCol, idCol] = bySubject ? ['d.last_disclosed_at', 'd.entry_id'] : ['e.last_disclosed_at', 'e.id'];
    const where = ['e.frequency IS NOT NULL', `e.first_disclosed_at <= ${to}`, `${lastCol} > ${to}`, `${lastCol} <= ${until}`];
    if (bySubject) where.push(`d.subject_id = ${st.param(filter.subjectId)}`);
    if (filter.kind) where.push(`e.recipient_kind = ${st.param(filter.kind)}`);
    for (const cited of [filter.clause, filter.provision]) {
      if (!cited) continue;
      const c = st.param(cited);
      where.push(`(${c} = ANY (e.basis) OR ${c} = ANY (e.law))`);
      where.push(`EXISTS (SELECT 1 FROM disclosure_citations c WHERE c.entry_id = e.id AND c.cited = ${c})`);
    }
    if (filter.status === DisclosureStatus.PendingReview) where.push(`r.entry_id IS NULL`);
    else if (filter.status) where.push(`r.outcome = ${st.param(filter.status)}`);
    if (filter.from) where.push(`${lastCol} >= ${st.param(filter.from)}`);
    if (filter.corrected !== undefined) where.push(`${filter.corrected ? '' : 'NOT '}EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)`);
    if (after)
      where.push(
        `(${lastCol}, ${idCol}) < ('epoch'::timestamptz + ${st.param(after.lastMicros)}::bigint * interval '1 microsecond', ${st.param(after.id)}::uuid)`,
      );
    const from = `${bySubject ? 'disclosure_subjects d JOIN disclosure_entries e ON e.id = d.entry_id' : 'disclosure_entries e'}${
      filter.status ? ' LEFT JOIN disclosure_reviews r ON r.entry_id = e.id' : ''
    }`;
    return `SELECT ${lastCol} AS last_at, ${idCol} AS entry_id FROM ${from} WHERE ${where.join(' AND ')}
         ORDER BY ${lastCol} DESC, ${idCol} DESC LIMIT ${limit}`;
  }

  /**
   * The list's statement, as the export streams it and as a page reads it without `to`. One table
   * drives it, read in list order through its index: a subject's rows, a cited id's rows, a review
   * outcome's rows, or the entries (by kind, or all); the other filters are conditions on each
   * candidate. Every driving table carries its entry's last_disclosed_at, so the keyset and the
   * date range apply to the index itself.
   */
  private listSql(st: Statement, filter: DisclosureFilter, after?: DisclosurePosition): string {
    const { from, where, lastCol, idCol } = this.listParts(st, filter, after, 'first');
    return `SELECT ${ENTRY_COLUMNS} FROM ${from}
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${lastCol} DESC, ${idCol} DESC`;
  }

  /**
   * The FROM, WHERE and keyset columns of the list's statement. `to` keeps the entries that began
   * by it (`first`), or only those whose last date is by it (`last`, the first part of a page with `to`).
   */
  private listParts(
    st: Statement,
    filter: DisclosureFilter,
    after: DisclosurePosition | undefined,
    to: 'first' | 'last',
  ): { from: string; where: string[]; lastCol: string; idCol: string } {
    const reviewed = filter.status === DisclosureStatus.Confirmed || filter.status === DisclosureStatus.Flagged;
    let from: string;
    const where: string[] = [];
    let citedDriven: string | undefined;
    if (filter.subjectId) {
      from = `disclosure_subjects d JOIN disclosure_entries e ON e.id = d.entry_id LEFT JOIN disclosure_reviews r ON r.entry_id = e.id`;
      where.push(`d.subject_id = ${st.param(filter.subjectId)}`);
    } else if (filter.clause || filter.provision) {
      citedDriven = filter.clause ?? filter.provision;
      from = `disclosure_citations d JOIN disclosure_entries e ON e.id = d.entry_id LEFT JOIN disclosure_reviews r ON r.entry_id = e.id`;
      where.push(`d.cited = ${st.param(citedDriven)}`);
    } else if (reviewed) {
      from = `disclosure_reviews d JOIN disclosure_entries e ON e.id = d.entry_id JOIN disclosure_reviews r ON r.entry_id = e.id`;
      where.push(`d.outcome = ${st.param(filter.status)}`);
    } else {
      from = `disclosure_entries e LEFT JOIN disclosure_reviews r ON r.entry_id = e.id`;
    }
    const [lastCol, idCol] = from.startsWith('disclosure_entries') ? ['e.last_disclosed_at', 'e.id'] : ['d.last_disclosed_at', 'd.entry_id'];
    if (filter.kind) where.push(`e.recipient_kind = ${st.param(filter.kind)}`);
    for (const cited of [filter.clause, filter.provision])
      if (cited && cited !== citedDriven) where.push(`EXISTS (SELECT 1 FROM disclosure_citations c WHERE c.entry_id = e.id AND c.cited = ${st.param(cited)})`);
    if (filter.status === DisclosureStatus.PendingReview) where.push(`r.entry_id IS NULL`);
    else if (reviewed) where.push(`r.outcome = ${st.param(filter.status)}`);
    if (filter.from) where.push(`${lastCol} >= ${st.param(filter.from)}`);
    if (filter.to && to === 'last') where.push(`${lastCol} <= ${st.param(filter.to)}`);
    else if (filter.to) {
      // In the period when it began by `to`. The list's index is on the last date, so it is bounded
      // too: by `to` plus the longest span of a repeated entry (once: first = last), read from its
      // own index, so the scan starts near `to` instead of at today.
      const param = st.param(filter.to);
      where.push(`e.first_disclosed_at <= ${param}`);
      where.push(
        `${lastCol} <= ${param}::timestamptz + (SELECT coalesce(max(x.last_disclosed_at - x.first_disclosed_at), interval '0') FROM disclosure_entries x WHERE x.frequency IS NOT NULL)`,
      );
    }
    if (filter.corrected !== undefined) where.push(`${filter.corrected ? '' : 'NOT '}EXISTS (SELECT 1 FROM disclosure_entries x WHERE x.corrects = e.id)`);
    if (after)
      where.push(
        `(${lastCol}, ${idCol}) < ('epoch'::timestamptz + ${st.param(after.lastMicros)}::bigint * interval '1 microsecond', ${st.param(after.id)}::uuid)`,
      );
    return { from, where, lastCol, idCol };
  }
}
