import { LawService } from '../../law';
import { PolicyParseError, PolicyParseIssue } from './policy-parse.error';
import { clauseStandings, parsePolicyCoverage } from './policy-coverage';
import { loadBundledVersion1 } from './policy-version.loader';
import { Outcome, RequestType } from './policy.types';

const LAW_IDS = new LawService().ids();
const v1 = loadBundledVersion1('ACME', LAW_IDS);
const standings = clauseStandings(v1.rules, v1.coverage);
const standingOf = (id: string) => standings.find((s) => s.id === id);

function issuesOf(yaml: string): PolicyParseIssue[] {
  try {
    parsePolicyCoverage(yaml, v1.rules, LAW_IDS);
  } catch (error) {
    if (error instanceof PolicyParseError) return error.issues;
    throw error;
  }
  throw new Error('expected a PolicyParseError');
}

describe('the standing of every clause of version 1', () => {
  it('gives each of the 64 clauses exactly one standing', () => {
    expect(standings).toHaveLength(64);
    expect(standings.map((s) => s.id)).toEqual(v1.rules.clauseIds);
    const count = (standing: string) => standings.filter((s) => s.standing === standing).length;
    expect(count('mechanism') + count('rule') + count('informational') + count('superseded_by_law')).toBe(64);
    expect(count('rule')).toBeGreaterThan(0);
    expect(count('informational')).toBeGreaterThan(0);
  });

  it('reads the clauses judged weaker than the law as superseded, each by the provision that prevails', () => {
    expect(standingOf('preamble')).toMatchObject({ standing: 'superseded_by_law', supersededBy: expect.arrayContaining(['PIPL.14', 'PIPL.29']) });
    for (const id of ['1.excl', '1.excl.a', '1.excl.b', '1.excl.c'])
      expect(standingOf(id)).toMatchObject({ standing: 'superseded_by_law', supersededBy: expect.arrayContaining(['PIPL.4']) });
    expect(standingOf('face.collect.1')).toMatchObject({ standing: 'superseded_by_law', supersededBy: expect.arrayContaining(['PIPL.16']) });
    for (const id of ['3.g', '4']) expect(standingOf(id)?.standing).toBe('superseded_by_law');
    for (const s of standings.filter((x) => x.standing === 'superseded_by_law')) expect(s.reason?.length).toBeGreaterThan(20);
  });

  it('says where a mechanism is enforced, why a clause is informational, and what a rule justifies', () => {
    expect(standingOf('5.a')).toMatchObject({ standing: 'mechanism', where: expect.stringContaining('src/') });
    expect(standingOf('1')).toMatchObject({ standing: 'informational', reason: expect.any(String) });
    expect(standingOf('face.retain.2')).toEqual({
      id: 'face.retain.2',
      standing: 'rule',
      justifies: [{ requestType: RequestType.DeleteAccount, outcome: Outcome.Approve }],
    });
    expect(standingOf('3.e')).toMatchObject({ standing: 'rule', recipientKinds: ['complaint_party'] });
    // The registration information is what a copy covers and what a subject usually corrects.
    expect(standingOf('1.a')).toEqual({
      id: '1.a',
      standing: 'rule',
      justifies: [
        { requestType: RequestType.Access, outcome: Outcome.Approve },
        { requestType: RequestType.Correction, outcome: Outcome.Approve },
        { requestType: RequestType.CopyTransfer, outcome: Outcome.Approve },
      ],
    });
  });
});

describe('parsePolicyCoverage', () => {
  it('refuses a clause with no standing, naming it', () => {
    const withoutPreamble = v1.coverageSource.replace(/^ {2}"preamble":[\s\S]*?(?=^ {2}"1":)/m, '');
    expect(withoutPreamble).not.toContain('"preamble"');
    expect(issuesOf(withoutPreamble)).toEqual([{ line: 1, message: 'clause preamble has no standing: list it in the coverage file or name it in the rules' }]);
  });

  it('refuses a declared rule, an unknown clause or standing, a mechanism without a place and an unknown provision', () => {
    const lines = (body: string) => `clauses:\n${body}`;
    const issues = (body: string) => issuesOf(lines(body)).filter((i) => !i.message.includes('has no standing'));
    expect(issues('  "3.c":\n    standing: rule\n')).toEqual([
      { line: 2, message: 'clauses.3.c: "rule" is not declared here; it is every clause the justification rules name' },
    ]);
    expect(issues('  "9.z":\n    standing: informational\n    reason: none\n')).toEqual([
      { line: 2, message: 'unknown clause "9.z" in the coverage file: this policy version has no such clause' },
    ]);
    expect(issues('  "1":\n    standing: heading\n')).toEqual([
      { line: 2, message: 'clauses.1.standing must be one of: mechanism, informational, superseded_by_law' },
    ]);
    expect(issues('  "5.a":\n    standing: mechanism\n')).toEqual([
      { line: 2, message: 'clauses.5.a needs "where": the place in the product that enforces it' },
    ]);
    expect(issues('  "4":\n    standing: superseded_by_law\n    supersededBy: [PIPL.999]\n    reason: abroad\n')).toEqual([
      { line: 4, message: 'unknown provision "PIPL.999" in clauses.4.supersededBy: the law catalogue has no such provision' },
    ]);
  });
});
