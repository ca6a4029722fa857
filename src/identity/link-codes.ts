import { Injectable } from '@nestjs/common';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';

/** Digits of a code. */
export const CODE_DIGITS = 6;

/**
 * One-time codes of the link proof: drawn with crypto.randomInt, kept only as an HMAC-SHA256 under
 * a key derived from APP_SECRET (every portal process derives the same one, so any of them can
 * check a code another sent), bound to the account it was sent for, and compared in constant time.
 */
@Injectable()
export class LinkCodes {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    // A key of its own (HKDF of APP_SECRET under this purpose), independent of every other key.
    this.key = config.key('identity-link-codes');
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
