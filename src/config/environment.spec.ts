import { ConfigurationError, Environment, validateEnvironment } from './environment';

const STRONG_SECRET = 'q8Zr3mV0xK7tYp2LwN5cJ9hB4fD6sG1a';

/** The problems validation reports for these settings (none: an empty list). */
function problemsWith(raw: Record<string, unknown>): string[] {
  try {
    validateEnvironment(raw);
    return [];
  } catch (err) {
    if (err instanceof ConfigurationError) return err.problems;
    throw err;
  }
}

describe('validateEnvironment', () => {
  it('applies the defaults outside production when nothing is set', () => {
    const env = validateEnvironment({});
    expect(env).toBeInstanceOf(Environment);
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      ACCESS_TOKEN_TTL: 900,
      SESSION_TTL: 28800,
      MFA_REQUIRED_FOR_STAFF: false,
      LOGIN_RATE_LIMIT: 10,
      LOG_LEVEL: 'info',
      BODY_LIMIT: '100kb',
      TRUST_PROXY: false,
    });
    expect(env.APP_SECRET).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('treats an empty value as unset, so the default applies', () => {
    expect(validateEnvironment({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info' });
  });

  it('converts numbers and booleans from their text form', () => {
    expect(validateEnvironment({ PORT: '8080', MFA_REQUIRED_FOR_STAFF: 'true', TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '3' })).toMatchObject({
      PORT: 8080,
      MFA_REQUIRED_FOR_STAFF: true,
      TRUST_PROXY: true,
      LOGIN_RATE_LIMIT: 3,
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['MFA_REQUIRED_FOR_STAFF', 'yes please'],
    ['DATABASE_URL', 'mysql://db/portal'],
    ['BODY_LIMIT', 'a lot'],
    ['ACCESS_TOKEN_TTL', '5'],
    ['APP_SECRET', 'too-short'],
  ])('refuses a wrong %s (%s) with a message naming the setting', (name, value) => {
    const problems = problemsWith({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}\\b`));
  });

  it('reports every wrong setting at once, not only the first', () => {
    expect(
      problemsWith({ PORT: 'x', LOG_LEVEL: 'y' })
        .map((p) => p.split(/[ :]/)[0])
        .sort(),
    ).toEqual(['LOG_LEVEL', 'PORT']);
  });

  it('prints the names in the error message that stops the process', () => {
    expect(() => validateEnvironment({ PORT: 'x' })).toThrow(/Invalid configuration:[\s\S]*PORT/);
  });

  describe('in production', () => {
    const production = (extra: Record<string, unknown>) => problemsWith({ NODE_ENV: 'production', ...extra });

    it('refuses to start without APP_SECRET', () => {
      expect(production({})).toEqual([expect.stringMatching(/^APP_SECRET: required in production/)]);
    });

    it('refuses a short APP_SECRET', () => {
      expect(production({ APP_SECRET: 'short but set' })).toEqual([expect.stringMatching(/^APP_SECRET.*at least 32/)]);
    });

    it.each([
      'changeme-changeme-changeme-changeme',
      'CHANGE_ME_please_to_something_random_1234',
      'secretsecretsecretsecretsecretsecret',
      'password-password-password-password',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'example-app-secret-for-the-readme-only',
      'abcabcabcabcabcabcabcabcabcabcabcabc',
    ])('refuses the placeholder-like APP_SECRET %s', (secret) => {
      expect(production({ APP_SECRET: secret })).toEqual([expect.stringMatching(/^APP_SECRET: looks like a placeholder/)]);
    });

    it('accepts a long random APP_SECRET, hex or base64url alike', () => {
      expect(production({ APP_SECRET: STRONG_SECRET })).toEqual([]);
      // A copy goes to public addresses only in production: no network may be let through.
      expect(production({ APP_SECRET: STRONG_SECRET, TRANSFER_ALLOWED_NETWORKS: '10.0.0.0/8' })).toEqual([
        expect.stringMatching(/^TRANSFER_ALLOWED_NETWORKS: not allowed in production/),
      ]);
      expect(problemsWith({ TRANSFER_ALLOWED_NETWORKS: '127.0.0.1' })).toEqual([
        expect.stringMatching(/^TRANSFER_ALLOWED_NETWORKS must be comma-separated CIDR/),
      ]);
      expect(production({ APP_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })).toEqual([]);
    });
  });

  it('serves the API documentation by default outside production only, and as told when API_DOCS is set', () => {
    expect(validateEnvironment({}).API_DOCS).toBe(true);
    expect(validateEnvironment({ NODE_ENV: 'test' }).API_DOCS).toBe(true);
    expect(validateEnvironment({ NODE_ENV: 'production', APP_SECRET: STRONG_SECRET }).API_DOCS).toBe(false);
    expect(validateEnvironment({ NODE_ENV: 'production', APP_SECRET: STRONG_SECRET, API_DOCS: 'true' }).API_DOCS).toBe(true);
    expect(validateEnvironment({ API_DOCS: 'false' }).API_DOCS).toBe(false);
    expect(validateEnvironment({ API_DOCS: '0' }).API_DOCS).toBe(false);
    expect(problemsWith({ API_DOCS: 'perhaps' })).toEqual([expect.stringMatching(/^API_DOCS\b/)]);
  });

  describe('deadlines above their ceiling', () => {
    it.each([
      ['REQUEST_DUE_DELETE_ACCOUNT', '49 hours', /^REQUEST_DUE_DELETE_ACCOUNT: "49 hours" is longer than the 48 hours .*face\.retain\.2/],
      ['REQUEST_DUE_DELETE_ACCOUNT', '3 days', /^REQUEST_DUE_DELETE_ACCOUNT: "3 days" is longer than the 48 hours/],
      ['REQUEST_DUE_ACCESS', '31 days', /^REQUEST_DUE_ACCESS: "31 days" is longer than the 30 days .*GB\/T 35273-2020 §8\.7/],
      ['REQUEST_DUE_DISCLOSURE_LOG', '721 hours', /^REQUEST_DUE_DISCLOSURE_LOG: "721 hours" is longer than the 30 days/],
      ['REQUEST_DUE_CORRECTION', '31 days', /^REQUEST_DUE_CORRECTION: "31 days" is longer than the 30 days .*GB\/T 35273-2020 §8\.7/],
      ['REQUEST_DUE_COPY_TRANSFER', '721 hours', /^REQUEST_DUE_COPY_TRANSFER: "721 hours" is longer than the 30 days/],
      ['REQUEST_DUE_EXPLANATION', '25 working days', /^REQUEST_DUE_EXPLANATION: "25 working days" \(working days/],
      ['REQUEST_DUE_DELETE_DATA', '5 weeks', /^REQUEST_DUE_DELETE_DATA must look like/],
    ])('refuse %s = %s, naming the setting, the ceiling and what sets it', (name, value, message) => {
      expect(problemsWith({ [name]: value })).toEqual([expect.stringMatching(message)]);
      expect(() => validateEnvironment({ [name]: value })).toThrow(ConfigurationError);
    });

    it('compare working days with calendar ceilings at their longest (they can take more calendar days than they count)', () => {
      // One working day from a Friday is the Monday: 72 hours.
      expect(problemsWith({ REQUEST_DUE_DELETE_ACCOUNT: '1 working day' })).toEqual([
        expect.stringMatching(/^REQUEST_DUE_DELETE_ACCOUNT: "1 working day" \(working days can take up to \d+ calendar days .*\) is longer than the 48 hours/),
      ]);
      // Fewer working days than the ceiling has calendar days, and still refused.
      expect(problemsWith({ REQUEST_DUE_ACCESS: '20 working days' })).toEqual([expect.stringMatching(/^REQUEST_DUE_ACCESS: "20 working days" \(working days/)]);
      expect(problemsWith({ REQUEST_DUE_ACCESS: '15 working days', REQUEST_DUE_DISCLOSURE_LOG: '10 working days' })).toEqual([]);
    });

    it('accept the ceilings themselves and anything shorter', () => {
      expect(problemsWith({ REQUEST_DUE_DELETE_ACCOUNT: '48 hours', REQUEST_DUE_ACCESS: '30 days', REQUEST_DUE_DISCLOSURE_LOG: '720 hours' })).toEqual([]);
      expect(problemsWith({ REQUEST_DUE_DELETE_ACCOUNT: '2 days', REQUEST_DUE_ACCESS: '1 day' })).toEqual([]);
    });

    it('report every setting above its ceiling at once, and an unreadable one once, as unreadable', () => {
      expect(problemsWith({ REQUEST_DUE_DELETE_ACCOUNT: '72 hours', REQUEST_DUE_ACCESS: '45 days', REQUEST_DUE_DISCLOSURE_LOG: '15 weeks' })).toEqual([
        expect.stringMatching(/^REQUEST_DUE_DISCLOSURE_LOG must look like/),
        expect.stringMatching(/^REQUEST_DUE_ACCESS: "45 days" is longer/),
        expect.stringMatching(/^REQUEST_DUE_DELETE_ACCOUNT: "72 hours" is longer/),
      ]);
    });
  });

  it('reads SUBJECT_REPLY_DAYS: 15 by default, a whole number of days from 1 to 60', () => {
    expect(validateEnvironment({}).SUBJECT_REPLY_DAYS).toBe(15);
    expect(validateEnvironment({ SUBJECT_REPLY_DAYS: '60' }).SUBJECT_REPLY_DAYS).toBe(60);
    expect(validateEnvironment({ SUBJECT_REPLY_DAYS: '1' }).SUBJECT_REPLY_DAYS).toBe(1);
    for (const wrong of ['0', '61', '1.5', 'two weeks', '-3'])
      expect(problemsWith({ SUBJECT_REPLY_DAYS: wrong })).toEqual([expect.stringMatching(/^SUBJECT_REPLY_DAYS\b/)]);
  });

  it('reads EVIDENCE_RETENTION_DAYS: 60 by default (past the 30-day appeal window), a whole number of days from 1 to 3650', () => {
    expect(validateEnvironment({}).EVIDENCE_RETENTION_DAYS).toBe(60);
    expect(validateEnvironment({ EVIDENCE_RETENTION_DAYS: '3650' }).EVIDENCE_RETENTION_DAYS).toBe(3650);
    for (const wrong of ['0', '3651', '2.5', 'forever'])
      expect(problemsWith({ EVIDENCE_RETENTION_DAYS: wrong })).toEqual([expect.stringMatching(/^EVIDENCE_RETENTION_DAYS\b/)]);
  });

  it('does not demand APP_SECRET outside production (one is generated under DATA_DIR)', () => {
    expect(problemsWith({ NODE_ENV: 'development' })).toEqual([]);
    expect(problemsWith({ NODE_ENV: 'test' })).toEqual([]);
  });
});
