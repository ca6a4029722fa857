import { Client } from 'pg';
import { CopyPieces } from '../src/database/copy-out';
import { JsonElements, jsonRow, OPERATOR_TIMEOUTS, OperatorDatabase, OperatorTimeouts } from '../src/fulfilment';
import { copyJsonPlan } from '../src/fulfilment/connectors/row-json';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The operator's database: one statement is cut off at its limit, but a copy streaming a category
 * (one cursor, timed by PostgreSQL as one statement from the first batch to the last) runs under
 * its own, longer limit, so that a large category is not cut off while the portal stores batches.
 */
describe("the operator's database connection", () => {
  let t: TestApp;
  const timeouts: OperatorTimeouts = { statementMs: 500, streamMs: 60_000 };

  beforeAll(async () => {
    t = await createTestApp({}, { provide: [{ provide: OPERATOR_TIMEOUTS, useValue: timeouts }] });
  });
  afterAll(() => t.close());

  it('cuts off one statement at its limit', async () => {
    await expect(t.app.get(OperatorDatabase).run('SELECT pg_sleep(2)', [])).rejects.toMatchObject({ code: '57014' });
  });

  it('streams for longer than a statement may run, batch by batch, to the last row', async () => {
    const rows: unknown[] = [];
    const started = Date.now();
    for await (const batch of t.app.get(OperatorDatabase).stream('SELECT g FROM generate_series(1, $1::int) g', [20], 2)) {
      rows.push(...batch);
      await new Promise((r) => setTimeout(r, 100)); // the portal storing what it read
    }
    expect(Date.now() - started).toBeGreaterThan(timeouts.statementMs);
    expect(rows).toHaveLength(20);
    expect(rows).toEqual(Array.from({ length: 20 }, (_, i) => ({ g: i + 1 })));
  });

  it('hands a COPY on piece by piece, reading no further while the caller works on a piece', async () => {
    const gathered = new Gathered();
    let text = '';
    let pieces = 0;
    for await (const piece of t.app.get(OperatorDatabase).copyOut(`SELECT g, repeat('x', 200) FROM generate_series(1, $1::int) g`, ['20000'], gathered)) {
      text += piece.toString('utf8');
      pieces++;
      await new Promise((r) => setTimeout(r, 2)); // the portal storing what it read
    }
    expect(text).toBe(Array.from({ length: 20000 }, (_, i) => `${i + 1}\t${'x'.repeat(200)}\n`).join(''));
    expect(pieces).toBeGreaterThan(20);
    // A piece holds 16 KiB and what the driver had already read when it filled (one read of the
    // socket: 64 KiB), never the rows the database sent while the caller was busy (megabytes).
    expect(gathered.largest).toBeLessThan(16 * 1024 + 128 * 1024);
  });

  it("runs a COPY read-only, for longer than a statement may run, and leaves the connection's settings as they were", async () => {
    const operator = t.app.get(OperatorDatabase);
    const slow = new Gathered();
    const pieces: Buffer[] = [];
    for await (const piece of operator.copyOut(`SELECT g, pg_sleep(0.4)::text FROM generate_series(1, 2) g WHERE g::text <> $1`, ['x'], slow))
      pieces.push(piece);
    expect(Buffer.concat(pieces).toString('utf8')).toBe('1\t\n2\t\n');
    const writing = operator.copyOut(
      `WITH gone AS (DELETE FROM operator_app.users WHERE id::text = $1 RETURNING id) SELECT * FROM gone`,
      ['0'],
      new Gathered(),
    );
    await expect(
      (async () => {
        for await (const piece of writing) pieces.push(piece);
      })(),
    ).rejects.toMatchObject({ code: '25006' });
    // Every connection of the pool (four) is back to the pool's own limit and writable.
    const settings = await Promise.all(
      [1, 2, 3, 4].map(() => operator.rows(`SELECT current_setting('statement_timeout') AS limit, current_setting('transaction_read_only') AS ro`, [])),
    );
    expect(settings.map((r) => r[0])).toEqual(Array(4).fill({ limit: '500ms', ro: 'off' }));
  });

  it('ends the snapshot of a caller that stops early, or whose work fails, before the connection is used again', async () => {
    const operator = t.app.get(OperatorDatabase);
    // Asked on a connection of its own: one from the pool could be the very connection left behind.
    const openSnapshots = async () => {
      const watcher = new Client({ connectionString: t.databaseUrl });
      await watcher.connect();
      try {
        const { rows } = await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dsr-portal-connector' AND (state LIKE 'idle in transaction%' OR query LIKE 'COPY%' AND state <> 'idle')`,
        );
        return rows[0].n;
      } finally {
        await watcher.end();
      }
    };
    for await (const batch of operator.stream('SELECT g FROM generate_series(1, 1000) g', [], 10)) {
      expect(batch).toHaveLength(10);
      break; // the next batch is already on its way
    }
    await expect(
      (async () => {
        for await (const batch of operator.stream('SELECT g FROM generate_series(1, 1000) g', [], 10)) {
          expect(batch[0]).toEqual({ g: 1 });
          throw new Error('storing failed');
        }
      })(),
    ).rejects.toThrow('storing failed');
    // A COPY cut short: its connection is closed rather than handed on inside the COPY.
    for await (const piece of operator.copyOut('SELECT repeat(g::text, 100) FROM generate_series(1, 100000) g WHERE g > $1', ['0'], new Gathered())) {
      expect(piece.toString('utf8', 0, 3)).toBe('111');
      break;
    }
    expect(await openSnapshots()).toBe(0);
    // Every connection of the pool (four) is usable: none was left inside a transaction.
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => operator.rows('SELECT $1::int AS n', [n])));
    expect(answers.map((a) => a[0].n)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("has the database write each row's JSON as the portal writes it from the row it reads", async () => {
    const operator = t.app.get(OperatorDatabase);
    const sql = `SELECT g AS n, g::bigint * 4000000000 AS big, (g / 3.0)::numeric(10, 4) AS ratio, g % 2 = 0 AS even,
        timestamptz '2026-03-01 08:30:15.123456+08' + g * interval '1 day 1 ms' AS at, date '2026-02-27' + g AS day,
        decode(repeat('ab', 60 + g), 'hex') AS blob, E'quote " backslash \\\\ line\\nbreak 个人信息 <b> \\x01 bell\\x07 ' || g AS text,
        NULL::text AS nothing, ARRAY['a', 'b"'] AS list, json_build_object('k', g, 'nested', json_build_array(1, 'x')) AS doc,
        jsonb_build_object('b', 1, 'a', 2) AS sorted, 1.5::float8 AS f,
        'x' AS "weird ""name"""
      FROM generate_series(1, $1::int) g ORDER BY g DESC -- a comment at the end of the statement`;
    const columns = await operator.columnsOf(sql, [5]);
    const fromDatabase = (await copied(operator, sql, columns, ['5'])).map((line) => JSON.parse(line) as Record<string, unknown>);
    const fromRows: Record<string, unknown>[] = [];
    for await (const batch of operator.stream(sql, [5], 2)) fromRows.push(...batch.map((row) => JSON.parse(jsonRow(row)) as Record<string, unknown>));
    // A date (no time of day) is written as the day itself, where the driver makes it a local midnight.
    const withoutDay = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, day: undefined }));
    expect(fromDatabase).toHaveLength(5);
    expect(withoutDay(fromDatabase)).toEqual(withoutDay(fromRows));
    expect(fromDatabase.map((r) => Object.keys(r))).toEqual(fromRows.map((r) => Object.keys(r)));
    expect(fromDatabase[0]).toEqual(
      expect.objectContaining({ n: 5, big: '20000000000', ratio: '1.6667', at: '2026-03-06T00:30:15.128Z', day: '2026-03-04', even: false }),
    );
    expect(fromDatabase[4].blob).toBe(Buffer.from('ab'.repeat(61), 'hex').toString('base64'));
    expect(fromDatabase[4].text).toBe('quote " backslash \\ line\nbreak 个人信息 <b> \u0001 bell\u0007 1');
    // A json value keeps its line breaks as whitespace, and JSON escapes a control character: each row stays one line COPY does not quote.
    const pretty = `SELECT E'{\n  "pretty": true,\r\n  "x": "\\\\u0001"\n}'::json AS doc, E'tab\\there\\\\back' AS "tab\tname", ''::text AS empty, 'NaN'::float8 AS nan`;
    const prettyRows = await copied(operator, pretty, await operator.columnsOf(pretty, []), []);
    expect(prettyRows.map((line) => JSON.parse(line) as unknown)).toEqual([
      { doc: { pretty: true, x: '\u0001' }, 'tab\tname': 'tab\there\\back', empty: '', nan: null },
    ]);
    // Two columns of one name cannot be named one by one: the rows are then read as they are.
    expect(copyJsonPlan('SELECT 1 AS a, 2 AS a', await operator.columnsOf('SELECT 1 AS a, 2 AS a', []))).toBeNull();
  });
});

/**
 * The rows of `sql` as the copy's JSON, read through COPY (copyJsonPlan), cut into pieces of 7
 * bytes (rows and characters cut anywhere): one a line, each but the first after a comma.
 */
async function copied(operator: OperatorDatabase, sql: string, columns: { name: string; dataTypeID: number }[], params: string[]): Promise<string[]> {
  const plan = copyJsonPlan(sql, columns);
  expect(plan).not.toBeNull();
  const writer = plan!.writer();
  const inSevens: CopyPieces<JsonElements> = {
    write: (data) => {
      for (let at = 0; at < data.length; at += 7) writer.write(data.subarray(at, at + 7));
    },
    full: () => writer.full(),
    take: () => writer.take(),
  };
  let text = '';
  let rows = 0;
  for await (const elements of operator.copyOut(plan!.sql, params, inSevens)) {
    text += typeof elements.text === 'string' ? elements.text : elements.text.toString('utf8');
    rows += elements.rows;
  }
  writer.end();
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(rows);
  lines.forEach((line, i) => expect(line.startsWith(',')).toBe(i > 0));
  return lines.map((line, i) => (i > 0 ? line.slice(1) : line));
}

/** COPY's bytes as they come, handed on once 16 KiB are gathered. */
class Gathered implements CopyPieces<Buffer> {
  private parts: Buffer[] = [];
  private size = 0;
  /** The most bytes a piece held when handed on. */
  largest = 0;

  write(data: Buffer): void {
    this.parts.push(Buffer.from(data));
    this.size += data.length;
  }

  full(): boolean {
    return this.size >= 16 * 1024;
  }

  take(): Buffer | null {
    if (this.size === 0) return null;
    const piece = Buffer.concat(this.parts);
    this.largest = Math.max(this.largest, piece.length);
    [this.parts, this.size] = [[], 0];
    return piece;
  }
}
