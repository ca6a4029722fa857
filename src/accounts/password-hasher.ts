import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** Policy 5.a: passwords are kept only as argon2id hashes (OWASP's recommended parameters). */
@Injectable()
export class PasswordHasher {
  private readonly options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  /** Verified against when an email is unknown, so that the answer takes as long either way. */
  private decoy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password).catch(() => false);
  }

  async verifyDecoy(password: string): Promise<false> {
    this.decoy ??= this.hash('decoy password that matches nothing');
    await this.verify(await this.decoy, password);
    return false;
  }
}
