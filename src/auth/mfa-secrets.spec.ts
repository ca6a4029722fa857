import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { AppConfig } from '../config/app-config';
import { MfaSecrets } from './mfa-secrets';

const withKey = (key: Buffer) => new MfaSecrets({ key: () => key } as unknown as AppConfig);

describe('MfaSecrets', () => {
  const secrets = withKey(randomBytes(32));

  it('encrypts a secret so that the stored text does not contain it, and decrypts it back', () => {
    const secret = secrets.generate();
    const stored = secrets.encrypt(secret);
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain(secret);
    expect(secrets.encrypt(secret)).not.toBe(stored); // a fresh IV every time
    expect(secrets.decrypt(stored)).toBe(secret);
  });

  it('refuses a stored value that was altered, or read under another key', () => {
    const stored = secrets.encrypt(secrets.generate());
    const [v, iv, tag, ct] = stored.split(':');
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] ^= 1;
    expect(() => secrets.decrypt([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
    expect(() => withKey(randomBytes(32)).decrypt(stored)).toThrow();
  });

  it('names the time step of the current code and of one step of drift, not further, nor garbage', () => {
    const secret = secrets.generate();
    const now = Date.UTC(2026, 10, 29, 12, 0, 10); // 10 s into a 30 s step
    const step = Math.floor(now / 30_000);
    jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const at = (offsetSteps: number) => authenticator.clone({ epoch: now + offsetSteps * 30_000 }).generate(secret);
      expect(secrets.stepOf(secret, at(0))).toBe(step);
      expect(secrets.stepOf(secret, at(-1))).toBe(step - 1);
      expect(secrets.stepOf(secret, at(1))).toBe(step + 1);
      expect(secrets.stepOf(secret, at(-3))).toBeNull();
      expect(secrets.stepOf(secret, 'abcdef')).toBeNull();
      expect(secrets.stepOf('not base32 at all!', '123456')).toBeNull();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('does not change the options of the shared otplib instance', () => {
    expect(authenticator.options.window).not.toBe(1);
  });

  it('builds an otpauth URL that names the issuer and carries the secret', () => {
    const secret = secrets.generate();
    const url = new URL(secrets.uri('staff@example.com', secret));
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('DSR Portal');
  });
});
