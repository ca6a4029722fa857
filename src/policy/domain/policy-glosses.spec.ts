import { PolicyParseError, PolicyParseIssue } from './policy-parse.error';
import { parsePolicyGlosses } from './policy-glosses';

const CLAUSE_IDS = ['1', '1.a', 'face.retain.2'];

function issuesOf(yamlText: string): PolicyParseIssue[] {
  try {
    parsePolicyGlosses(yamlText, CLAUSE_IDS);
  } catch (error: unknown) {
    if (error instanceof PolicyParseError) {
      return error.issues;
    }
    throw error;
  }
  throw new Error('expected a PolicyParseError');
}

describe('parsePolicyGlosses', () => {
  it('reads one gloss per clause, keeping numeric-looking ids as strings', () => {
    expect(parsePolicyGlosses('1: Scope.\n1.a: Registration information.\nface.retain.2: "Review within 48 hours."\n', CLAUSE_IDS)).toEqual({
      '1': 'Scope.',
      '1.a': 'Registration information.',
      'face.retain.2': 'Review within 48 hours.',
    });
  });

  it('refuses a gloss for an unknown clause, an empty gloss, a duplicate and a missing gloss', () => {
    const issues = issuesOf('1: Scope.\n1.a: ""\n1.z: Nothing.\n1: Again.\n');
    expect(issues.map((issue) => issue.line)).toEqual([0, 2, 3, 4]);
    expect(issues[0].message).toBe('clause face.retain.2 has no gloss');
    expect(issues[1].message).toBe('the gloss of 1.a must be a non-empty string');
    expect(issues[2].message).toBe('gloss for unknown clause "1.z"');
    expect(issues[3].message).toContain('Map keys must be unique');
  });
});
