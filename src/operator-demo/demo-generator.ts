import { Client } from 'pg';
import { OPERATOR_SCHEMA, OPERATOR_TABLES, USER_ROW_TABLES, userForeignKeyName } from './operator-schema';
import { MAX_SAMPLE_USERS } from './sample-identity';
import { SampleAccessLog, sampleAccessLogs, SampleSubject, sampleSubject } from './sample-rows';

/** The most access-log rows per sample user one generation makes. */
export const MAX_LOGS_PER_SUBJECT = 1_000_000;
export const DEFAULT_SAMPLE_SEED = 1;
/** Seeds are 32-bit: the pseudo-random streams are. */
export const MAX_SAMPLE_SEED = 0xffff_ffff;

export interface SampleDataOptions {
  /** how many sample users, 1 to MAX_SAMPLE_USERS */
  subjects: number;
  /** access-log rows per user, 0 to MAX_LOGS_PER_SUBJECT */
  logsPerSubject: number;
  seed?: number;
  /** empty the schema first; without it, a schema that holds users is refused (SampleDataPresentError) */
  reset?: boolean;
  /** with users already there, do nothing and return null instead of refusing (the start-up's case) */
  onlyIfEmpty?: boolean;
  onProgress?: (progress: SampleDataProgress) => void;
}

/** Users plus access-log rows written so far, of `total`. */
export interface SampleDataProgress {
  done: number;
  total: number;
  users: number;
  accessLogs: number;
}

export interface SampleDataCounts {
  users: number;
  accessLogs: number;
  faceProfiles: number;
  transactions: number;
  publishedContent: number;
  searchHistory: number;
  violations: number;
}

export interface SampleDataSummary {
  seed: number;
  counts: SampleDataCounts;
  ms: number;
}

/** The schema holds users already, and no reset was asked for. */
export class SampleDataPresentError extends Error {
  constructor() {
    super(`${OPERATOR_SCHEMA} already holds users: add --reset to replace them with sample data`);
    this.name = 'SampleDataPresentError';
  }
}

/** Users per round of statements: their other rows go in one statement per table. */
const USERS_PER_BATCH = 2000;
/** Access-log rows per statement. */
const LOG_ROWS_PER_STATEMENT = 20_000;
/** Two generations at once (two portals starting on an empty schema) would write the same e-mails: one waits. */
const GENERATION_LOCK = `SELECT pg_advisory_xact_lock(hashtext('dsr_operator_demo'))`;

const S = OPERATOR_SCHEMA;
/**
 * Rows go in as one array per column, unnested on the server: one statement per batch whatever its
 * size (no limit of 65,535 parameters), and PostgreSQL parses and plans it once.
 */
const INSERT_USERS = `INSERT INTO ${S}.users (display_name, email, phone, gender, birthday, created_at, disabled_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::timestamptz[], $7::timestamptz[])
  RETURNING id, email`;
const INSERT_ACCESS_LOGS = `INSERT INTO ${S}.access_logs (user_id, at, ip, user_agent, language, page)
  SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::inet[], $4::text[], $5::text[], $6::text[])`;
const INSERT_FACE_PROFILES = `INSERT INTO ${S}.face_profiles (user_id, purpose, template, image, enrolled_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[], $5::timestamptz[])`;
const INSERT_TRANSACTIONS = `INSERT INTO ${S}.transactions (user_id, counterparty_name, counterparty_phone, item, amount, completed_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[])`;
const INSERT_PUBLISHED_CONTENT = `INSERT INTO ${S}.published_content (user_id, kind, body, published_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[])`;
const INSERT_SEARCH_HISTORY = `INSERT INTO ${S}.search_history (user_id, keywords, searched_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])`;
const INSERT_VIOLATIONS = `INSERT INTO ${S}.violations (user_id, rule, measure, decided_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[])`;
const ALL_TABLES = OPERATOR_TABLES.map((t) => `${S}.${t}`).join(', ');

/** Why these sizes are refused, or null when they are fine. */
export function sampleSizeProblem(subjects: number, logsPerSubject: number): string | null {
  if (!Number.isInteger(subjects) || subjects < 1 || subjects > MAX_SAMPLE_USERS) return `subjects must be a whole number from 1 to ${MAX_SAMPLE_USERS}`;
  if (!Number.isInteger(logsPerSubject) || logsPerSubject < 0 || logsPerSubject > MAX_LOGS_PER_SUBJECT)
    return `logs per subject must be a whole number from 0 to ${MAX_LOGS_PER_SUBJECT}`;
  return null;
}

/**
 * Fills the operator's sample schema (operator-schema.ts, installed at start) with `subjects`
 * sample users and `logsPerSubject` access-log rows each, plus a few rows of every other table,
 * all determined by the seed (sample-rows.ts). One transaction: a generation that fails or is
 * interrupted leaves the schema as it was. Connects with `url`, as the role that owns the schema
 * (emptying it first takes TRUNCATE, which the portal's role does not have).
 *
 * Returns null only with `onlyIfEmpty`, when the schema already held users.
 */
export async function generateSampleData(url: string, options: SampleDataOptions): Promise<SampleDataSummary | null> {
  const { subjects, logsPerSubject, seed = DEFAULT_SAMPLE_SEED, reset = false, onlyIfEmpty = false, onProgress } = options;
  const problem = sampleSizeProblem(subjects, logsPerSubject);
  if (problem) throw new RangeError(problem);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SAMPLE_SEED) throw new RangeError(`the seed must be a whole number from 0 to ${MAX_SAMPLE_SEED}`);

  const started = Date.now();
  const client = new Client({ connectionString: url, application_name: 'dsr-operator-demo' });
  await client.connect();
  try {
    await client.query('BEGIN');
    let counts: SampleDataCounts;
    try {
      await client.query(GENERATION_LOCK);
      if (reset) await client.query(`TRUNCATE ${ALL_TABLES} RESTART IDENTITY CASCADE`);
      else if (await holdsUsers(client)) {
        if (onlyIfEmpty) {
          await client.query('ROLLBACK');
          return null;
        }
        throw new SampleDataPresentError();
      }
      // Bulk loading: a foreign key checks each inserted row on its own (a look-up and a lock in
      // users), which took most of the time of a large generation. Dropped here and added back
      // before the commit, when one join checks every row at once (PostgreSQL manual, "Populating
      // a Database"). In the transaction: no other session sees the tables without them.
      for (const t of USER_ROW_TABLES) await client.query(`ALTER TABLE ${S}.${t} DROP CONSTRAINT IF EXISTS ${userForeignKeyName(t)}`);
      counts = await new SampleWriter(client, seed, subjects, logsPerSubject, onProgress).write();
      for (const t of USER_ROW_TABLES)
        await client.query(`ALTER TABLE ${S}.${t} ADD CONSTRAINT ${userForeignKeyName(t)} FOREIGN KEY (user_id) REFERENCES ${S}.users (id)`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    // Fresh statistics, so that the first look-ups by user use the (user_id, id) indexes.
    await client.query(`ANALYZE ${ALL_TABLES}`);
    return { seed, counts, ms: Date.now() - started };
  } finally {
    await client.end();
  }
}

async function holdsUsers(client: Client): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${S}.users) AS present`);
  return rows[0].present;
}

/**
 * Writes users in batches, each followed by their other rows and then their access logs. One
 * statement is left running while the next rows are made: making rows takes the process about a
 * third of the time the server takes to write them, and the two then overlap.
 */
class SampleWriter {
  private readonly counts: SampleDataCounts = {
    users: 0,
    accessLogs: 0,
    faceProfiles: 0,
    transactions: 0,
    publishedContent: 0,
    searchHistory: 0,
    violations: 0,
  };
  private readonly total: number;
  private logs = new AccessLogColumns();
  /** The statement still running, if any; it rejects if that statement failed. */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly seed: number,
    private readonly subjects: number,
    private readonly logsPerSubject: number,
    private readonly onProgress?: (progress: SampleDataProgress) => void,
  ) {
    this.total = subjects + subjects * logsPerSubject;
  }

  async write(): Promise<SampleDataCounts> {
    this.report();
    for (let first = 1; first <= this.subjects; first += USERS_PER_BATCH) {
      const last = Math.min(this.subjects, first + USERS_PER_BATCH - 1);
      const batch: SampleSubject[] = [];
      for (let n = first; n <= last; n++) batch.push(sampleSubject(this.seed, n));
      const ids = await this.insertUsers(batch);
      await this.insertOtherRows(batch, ids);
      for (const { user } of batch) {
        const id = ids.get(user.email) as string;
        for (const row of sampleAccessLogs(this.seed, user, this.logsPerSubject)) {
          this.logs.add(id, row);
          if (this.logs.length >= LOG_ROWS_PER_STATEMENT) await this.flushLogs();
        }
      }
      await this.flushLogs();
    }
    await this.running;
    return { ...this.counts };
  }

  /** The ids the database gave, by e-mail. */
  private async insertUsers(batch: SampleSubject[]): Promise<Map<string, string>> {
    await this.running;
    const users = batch.map((s) => s.user);
    const { rows } = await this.client.query<{ id: string; email: string }>(INSERT_USERS, [
      users.map((u) => u.displayName),
      users.map((u) => u.email),
      users.map((u) => u.phone),
      users.map((u) => u.gender),
      users.map((u) => u.birthday),
      users.map((u) => u.createdAt),
      users.map((u) => u.disabledAt),
    ]);
    this.counts.users += rows.length;
    this.report();
    return new Map(rows.map((r) => [r.email, r.id]));
  }

  private async insertOtherRows(batch: SampleSubject[], ids: Map<string, string>): Promise<void> {
    const rowsOf = <T>(pick: (s: SampleSubject) => T[]) => batch.flatMap((s) => pick(s).map((row) => ({ userId: ids.get(s.user.email) as string, row })));
    const faces = rowsOf((s) => s.faceProfiles);
    await this.send('faceProfiles', INSERT_FACE_PROFILES, faces.length, [
      faces.map((f) => f.userId),
      faces.map((f) => f.row.purpose),
      faces.map((f) => f.row.template),
      faces.map((f) => f.row.image),
      faces.map((f) => f.row.enrolledAt),
    ]);
    const transactions = rowsOf((s) => s.transactions);
    await this.send('transactions', INSERT_TRANSACTIONS, transactions.length, [
      transactions.map((t) => t.userId),
      transactions.map((t) => t.row.counterpartyName),
      transactions.map((t) => t.row.counterpartyPhone),
      transactions.map((t) => t.row.item),
      transactions.map((t) => t.row.amount),
      transactions.map((t) => t.row.completedAt),
    ]);
    const content = rowsOf((s) => s.content);
    await this.send('publishedContent', INSERT_PUBLISHED_CONTENT, content.length, [
      content.map((c) => c.userId),
      content.map((c) => c.row.kind),
      content.map((c) => c.row.body),
      content.map((c) => c.row.publishedAt),
    ]);
    const searches = rowsOf((s) => s.searches);
    await this.send('searchHistory', INSERT_SEARCH_HISTORY, searches.length, [
      searches.map((q) => q.userId),
      searches.map((q) => q.row.keywords),
      searches.map((q) => q.row.searchedAt),
    ]);
    const violations = rowsOf((s) => s.violations);
    await this.send('violations', INSERT_VIOLATIONS, violations.length, [
      violations.map((v) => v.userId),
      violations.map((v) => v.row.rule),
      violations.map((v) => v.row.measure),
      violations.map((v) => v.row.decidedAt),
    ]);
  }

  private async flushLogs(): Promise<void> {
    const logs = this.logs;
    this.logs = new AccessLogColumns();
    await this.send('accessLogs', INSERT_ACCESS_LOGS, logs.length, [logs.userId, logs.at, logs.ip, logs.userAgent, logs.language, logs.page]);
  }

  /**
   * Waits for the statement still running, then starts this one and returns without waiting for
   * it; its rows are counted (and the progress reported) when it is done.
   */
  private async send(table: keyof SampleDataCounts, sql: string, rows: number, columns: unknown[][]): Promise<void> {
    await this.running;
    if (rows === 0) return;
    this.running = this.client.query(sql, columns).then(() => {
      this.counts[table] += rows;
      if (table === 'accessLogs') this.report();
    });
    // Marked as handled at once: its failure is thrown where it is next awaited, in send or write.
    this.running.catch(() => undefined);
  }

  private report(): void {
    this.onProgress?.({ done: this.counts.users + this.counts.accessLogs, total: this.total, users: this.counts.users, accessLogs: this.counts.accessLogs });
  }
}

/** Access-log rows waiting for their statement, one array per column. */
class AccessLogColumns {
  readonly userId: string[] = [];
  readonly at: string[] = [];
  readonly ip: string[] = [];
  readonly userAgent: string[] = [];
  readonly language: string[] = [];
  readonly page: string[] = [];

  get length(): number {
    return this.userId.length;
  }

  add(userId: string, row: SampleAccessLog): void {
    this.userId.push(userId);
    this.at.push(row.at);
    this.ip.push(row.ip);
    this.userAgent.push(row.userAgent);
    this.language.push(row.language);
    this.page.push(row.page);
  }
}
