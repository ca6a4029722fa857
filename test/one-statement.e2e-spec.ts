import { EntityManager, QueryFailedError } from 'typeorm';
import { isUniqueViolation } from '../src/common/errors/database-errors';
import { OneStatement } from '../src/database/one-statement';
import { createTestApp, TestApp } from './support/test-app';

/** Several modules' writes as one statement (src/database/one-statement.ts), on real PostgreSQL. */
describe('OneStatement', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.dataSource.query(`CREATE TABLE scratch_parent (id int PRIMARY KEY, label text NOT NULL)`);
    await t.dataSource.query(
      `CREATE TABLE scratch_child (id serial PRIMARY KEY, parent_id int NOT NULL REFERENCES scratch_parent(id), at timestamptz NOT NULL)`,
    );
  });
  afterAll(() => t.close());

  const counts = async () => {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM scratch_parent) AS parents, (SELECT count(*)::int FROM scratch_child) AS children`,
    );
    return row as { parents: number; children: number };
  };

  /** A parent and its child, the child naming the parent written by the same statement. */
  const family = (id: number, label: string, condition?: (s: OneStatement) => string) => {
    const s = new OneStatement();
    if (condition) s.onlyIf(condition(s));
    const parent = s.with('parent', `INSERT INTO scratch_parent (id, label) ${s.row([s.param(id), s.param(label)])} RETURNING id, label`);
    const child = s.with('child', `INSERT INTO scratch_child (parent_id, at) ${s.row([s.param(id), s.param(new Date(), 'timestamptz')])} RETURNING id`);
    const committed: string[] = [];
    s.onCommit(() => committed.push(label));
    const run = () =>
      s.run<{ id: number; label: string; childId: number }>(
        t.dataSource.manager,
        `SELECT p.id, p.label, c.id AS "childId" FROM ${parent} p CROSS JOIN ${child} c`,
      );
    return { statement: s, run, committed };
  };

  it('writes every part, foreign keys between the parts holding, and calls back once it has committed', async () => {
    const before = await counts();
    const f = family(1, 'first');
    const rows = await f.run();
    expect(rows).toEqual([{ id: 1, label: 'first', childId: expect.any(Number) }]);
    expect(f.committed).toEqual(['first']);
    expect(await counts()).toEqual({ parents: before.parents + 1, children: before.children + 1 });
  });

  it('writes nothing, answers no row and does not call back when its condition does not hold', async () => {
    const before = await counts();
    const f = family(2, 'guarded', (s) => `${s.param(1, 'int')} = 2`);
    expect(await f.run()).toEqual([]);
    expect(f.committed).toEqual([]);
    expect(await counts()).toEqual(before);
    const g = family(2, 'allowed', (s) => `${s.param(2, 'int')} = 2`);
    expect(await g.run()).toHaveLength(1);
    expect(g.committed).toEqual(['allowed']);
  });

  it('writes nothing when one part fails, and fails as TypeORM queries do (a unique violation is recognised)', async () => {
    const before = await counts();
    const f = family(1, 'duplicate');
    const error = await f.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(error, 'scratch_parent_pkey')).toBe(true);
    expect(f.committed).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('runs in the caller’s transaction when there is one (rolled back with it), prepared once per connection', async () => {
    const before = await counts();
    const preparedOnConnection = async (manager: EntityManager): Promise<string[]> =>
      (await manager.query(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'one\\_statement\\_%'`)).map((p: { name: string }) => p.name);
    const added = await t.dataSource
      .transaction(async (manager) => {
        const earlier = await preparedOnConnection(manager);
        for (const id of [10, 11]) {
          const s = new OneStatement();
          s.with('parent', `INSERT INTO scratch_parent (id, label) ${s.row([s.param(id), s.param('in a transaction')])}`);
          await s.run(manager, 'SELECT 1');
        }
        const inTransaction: { n: number }[] = await manager.query(`SELECT count(*)::int AS n FROM scratch_parent WHERE id IN (10, 11)`);
        expect(inTransaction).toEqual([{ n: 2 }]);
        const now = await preparedOnConnection(manager);
        throw Object.assign(new Error('roll back'), { added: now.filter((name) => !earlier.includes(name)) });
      })
      .catch((e: { added: string[] }) => e.added);
    // Two runs of one shape: one statement prepared on the connection.
    expect(added).toHaveLength(1);
    expect(await counts()).toEqual(before);
  });
});
