import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import { AppConfig } from '../config/app-config';

/** TOTP (RFC 6238) secrets, kept encrypted at rest with AES-256-GCM under a key derived from APP_SECRET. */
@Injectable()
export class MfaSecrets {
  private readonly key: Buffer;
  /** A private instance, so that these options do not leak into otplib's shared one. One step of clock drift either way. */
  private readonly totp = authenticator.clone({ window: 1 });

  constructor(config: AppConfig) {
    this.key = config.key('mfa-secrets');
  }

  generate(): string {
    return this.totp.generateSecret();
  }

  uri(accountLabel: string, secret: string): string {
    return this.totp.keyuri(accountLabel, 'DSR Portal', secret);
  }

  /**
   * The time step (30-second period since the epoch) that `code` belongs to, within one step of
   * drift either way; null when it is no code of this secret. A caller that remembers the step of
   * the last code it accepted can refuse the same code a second time.
   */
  stepOf(secret: string, code: string): number | null {
    try {
      const delta = this.totp.checkDelta(code, secret);
      return delta === null ? null : Math.floor(Date.now() / 1000 / this.totp.allOptions().step) + delta;
    } catch {
      return null;
    }
  }

  encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
  }

  decrypt(stored: string): string {
    const [, iv, tag, ct] = stored.split(':');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  }
}
