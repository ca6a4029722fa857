import { OPERATOR_TIMEOUTS, OperatorDatabase, OperatorTimeouts } from '../src/fulfilment';
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
    expect(rows[19]).toEqual({ g: 20 });
  });
});
