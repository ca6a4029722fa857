import { Injectable, OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** Policy 5.a: passwords are kept only as argon2id hashes (OWASP's recommended parameters). */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  /**
   * A hash, with the parameters of real ones, of a random password nobody knows: verified against
   * when an email is unknown, so that the answer costs one argon2 verification either way. Made at
   * start, so that no sign-in pays for making it (the first unknown email would take twice as long).
   */
  private decoy: Promise<string>;

  async onModuleInit(): Promise<void> {
    this.decoy = this.hash(randomBytes(32).toString('base64url'));
    await this.decoy;
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password).catch(() => false);
  }

  async verifyDecoy(password: string): Promise<false> {
    await this.verify(await this.decoy, password);
    return false;
  }
}
