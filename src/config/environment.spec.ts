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

  it('does not demand APP_SECRET outside production (one is generated under DATA_DIR)', () => {
    expect(problemsWith({ NODE_ENV: 'development' })).toEqual([]);
    expect(problemsWith({ NODE_ENV: 'test' })).toEqual([]);
  });
});
