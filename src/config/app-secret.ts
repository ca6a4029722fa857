import { randomBytes, hkdfSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Outside production the portal must start with no set-up, so when APP_SECRET is unset a random
 * secret is generated once and kept under DATA_DIR (mode 0600); tokens then survive restarts.
 * Production refuses to start without APP_SECRET (see validateEnvironment).
 */
export function resolveAppSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'app-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** Independent keys for independent purposes, so one leaking does not expose the others. */
export type KeyPurpose = 'token-signing' | 'mfa-secrets' | 'pseudonyms' | 'page-cursors' | 'identity-link-codes' | 'transfer-signing';

export function deriveKey(appSecret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'dsr-portal', purpose, 32));
}
