import { createHash, createPrivateKey, createPublicKey, KeyObject, sign } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** The DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The portal's key for signing the copies it sends to other handlers (copy_transfer): Ed25519,
 * derived from APP_SECRET (so every process of one deployment signs alike, and nothing is stored).
 * The public half is published (GET /api/v1/transfers/signing-key) for receivers to verify with;
 * `keyId` names it in every signed call, so a receiver notices a changed key.
 */
@Injectable()
export class TransferSigningKey {
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(config: AppConfig) {
    this.privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, config.key('transfer-signing')]), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    this.keyId = createHash('sha256')
      .update(publicKey.export({ format: 'der', type: 'spki' }))
      .digest('hex')
      .slice(0, 16);
  }

  /** The base64 Ed25519 signature of `message`. */
  sign(message: string): string {
    return sign(null, Buffer.from(message, 'utf8'), this.privateKey).toString('base64');
  }
}

/** What a call's signature covers, one item per line: the receiver rebuilds it from the request it got. */
export function transferSigningInput(timestamp: string, method: string, path: string, contentSha256: string): string {
  return `${timestamp}\n${method}\n${path}\n${contentSha256}`;
}
