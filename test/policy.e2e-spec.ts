import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Outcome, REQUEST_TYPES, RequestType } from '../src/policy/domain/policy.types';
import { PolicyPublisher } from '../src/policy/policy-publisher';
import { PolicyService } from '../src/policy/policy.service';
import { createTestApp, TestApp } from './support/test-app';

const V1_DIR = join(__dirname, '../src/policy/versions/v1');
/** The reading of version 1 shipped with the code: what is in force after every start. */
const RULES_SOURCE = readFileSync(join(V1_DIR, 'rules.yaml'), 'utf8');
const COVERAGE_SOURCE = readFileSync(join(V1_DIR, 'coverage.yaml'), 'utf8');

interface RevisionRow {
  revision: number;
  rulesSource: string;
  coverageSource: string;
  revisedBy: string | null;
  rules: { requests: Record<string, unknown> };
  coverage: unknown;
}

describe('policy (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ OPERATOR_NAME: '示例科技' });
  });
  afterAll(() => t.close());

  const revisions = (): Promise<RevisionRow[]> =>
    t.dataSource.query(
      `SELECT revision, rules_source AS "rulesSource", coverage_source AS "coverageSource", revised_by AS "revisedBy", rules, coverage
       FROM policy_rule_revisions WHERE version = 1 ORDER BY revision`,
    );

  it('puts version 1 in force on first start, publicly readable', async () => {
    const res = await t.http.get('/api/v1/policy');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, major: true });
    expect(res.body.clauses.map((c: { id: string }) => c.id)).toContain('face.retain.2');
    const retain2 = res.body.clauses.find((c: { id: string }) => c.id === 'face.retain.2');
    expect(retain2.text).toContain('示例科技');
    expect(retain2.text).not.toMatch(/ {2,}/);
  });

  it('answers one clause with what it justifies', async () => {
    const res = await t.http.get('/api/v1/policy/clauses/face.retain.2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'face.retain.2', version: 1 });
    expect(res.body.justifies).toContainEqual({ requestType: 'delete_account', outcome: 'approve' });
  });

  it('records the reading shipped with the code as revision 1 on first start, with a rule for every request type', async () => {
    const rows = await revisions();
    expect(rows.map((r) => [r.revision, r.revisedBy])).toEqual([[1, null]]);
    expect(rows[0].rulesSource).toBe(RULES_SOURCE);
    expect(rows[0].coverageSource).toBe(COVERAGE_SOURCE);
    expect(Object.keys(rows[0].rules.requests).sort()).toEqual([...REQUEST_TYPES].sort()); // jsonb keeps no key order
    const clause = await t.http.get('/api/v1/policy/clauses/1.a');
    expect(clause.body.justifies).toContainEqual({ requestType: 'correction', outcome: 'approve' });
  });

  it('records a changed rules.yaml as the next revision at start, once, audited, and judges by it from then on', async () => {
    // A database whose version 1 an earlier release read otherwise: its latest revision knows none
    // of the request types added since, and its rules.yaml was another text.
    const [first] = await revisions();
    const earlier = ['access', 'withdraw_consent', 'delete_account', 'disclosure_log'];
    const rules = { ...first.rules, requests: Object.fromEntries(earlier.map((type) => [type, first.rules.requests[type]])) };
    await t.asOwner((m) =>
      m.query(`INSERT INTO policy_rule_revisions (version, revision, rules, rules_source, coverage, coverage_source) VALUES (1, 2, $1, $2, $3, $4)`, [
        JSON.stringify(rules),
        '# an earlier reading of version 1\n',
        JSON.stringify(first.coverage),
        first.coverageSource,
      ]),
    );
    const policy = t.app.get(PolicyService);
    policy.readingRevised(1);
    expect((await t.http.get('/api/v1/policy/clauses/1.a')).body.justifies).not.toContainEqual({ requestType: 'correction', outcome: 'approve' });

    // The next start finds the shipped rules.yaml differing from the reading in force.
    const publisher = t.app.get(PolicyPublisher);
    await publisher.onApplicationBootstrap();
    await publisher.onApplicationBootstrap();

    const rows = await revisions();
    expect(rows.map((r) => r.revision)).toEqual([1, 2, 3]);
    expect(rows[2]).toMatchObject({ rulesSource: RULES_SOURCE, coverageSource: COVERAGE_SOURCE, revisedBy: null });
    expect(Object.keys(rows[2].rules.requests).sort()).toEqual([...REQUEST_TYPES].sort());
    const events: { data: unknown }[] = await t.dataSource.query(`SELECT data FROM audit_events WHERE action = 'policy.rules_revised' AND entity_id = '1'`);
    expect(events).toEqual([{ data: { version: 1, revision: 3 } }]);
    expect((await policy.get(1)).rulesRevision).toBe(3);
    expect((await t.http.get('/api/v1/policy/clauses/1.a')).body.justifies).toContainEqual({ requestType: 'correction', outcome: 'approve' });
    expect((await policy.justification(1, RequestType.Explanation, Outcome.Approve)).law.map((p) => p.id)).toEqual(['PIPL.48', 'PIPL.44']);
  });
});
