import { Injectable } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import { createHmac } from 'node:crypto';
import { normaliseEmail } from '../accounts/accounts.service';
import { AppConfig } from '../config/app-config';

/**
 * Keyed hashes (HMAC-SHA-256 under the pseudonym key derived from APP_SECRET) of what sign-in
 * protections are kept per: the client's address and an unknown email. The database holds these,
 * never the address or the email, and without APP_SECRET they cannot be turned back.
 */
@Injectable()
export class SignInKeys {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = config.key('pseudonyms');
  }

  /**
   * The client, by its address: an IPv6 address by its /64 (what one subscriber is given), as the
   * throttler counts it, so that rotating addresses within one's own network changes nothing.
   */
  client(address: string): string {
    return this.mac('client', normalizeIp(address) || 'unknown');
  }

  email(email: string): string {
    return this.mac('email', normaliseEmail(email));
  }

  private mac(kind: string, value: string): string {
    return createHmac('sha256', this.key).update(`sign-in:${kind}:${value}`).digest('base64url');
  }
}
