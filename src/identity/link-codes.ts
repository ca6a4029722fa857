import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { resolveAppSecret } from '../config/app-secret';

/** Digits of a code. */
export const CODE_DIGITS = 6;

/**
 * The HKDF info of this key. AppConfig.key() names the purposes of config/app-secret.ts; this one
 * is derived the same way (HKDF-SHA256 of APP_SECRET, salt `dsr-portal`) under a purpose of its
 * own, so that it is independent of every other key.
 */
const KEY_PURPOSE = 'identity-link-codes';

/**
 * One-time codes of the link proof: drawn with crypto.randomInt, kept only as an HMAC-SHA256 under
 * a key derived from APP_SECRET (every portal process derives the same one, so any of them can
 * check a code another sent), bound to the account it was sent for, and compared in constant time.
 */
@Injectable()
export class LinkCodes {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    const secret = resolveAppSecret(config.env.APP_SECRET, config.env.DATA_DIR);
    this.key = Buffer.from(hkdfSync('sha256', secret, 'dsr-portal', KEY_PURPOSE, 32));
  }

  /** A fresh code, `000000` to `999999`. */
  generate(): string {
    return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
  }

  /** What is stored of `code` sent to `subjectId`: the same code for another account hashes otherwise. */
  hash(subjectId: string, code: string): Buffer {
    return createHmac('sha256', this.key).update(`identity-link:v1:${subjectId}:${code}`).digest();
  }

  /** Whether `code` is the one `stored` was made from, in a time that does not depend on where they differ. */
  matches(subjectId: string, code: string, stored: Buffer): boolean {
    const candidate = this.hash(subjectId, code);
    return stored.length === candidate.length && timingSafeEqual(candidate, stored);
  }
}
