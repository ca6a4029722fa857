import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { deriveKey, KeyPurpose, resolveAppSecret } from './app-secret';
import { Environment } from './environment';

/** Typed, read-only access to the validated settings; the only place code reads configuration. */
@Injectable()
export class AppConfig {
  readonly env: Readonly<Environment>;
  private readonly secret: string;

  constructor(config: ConfigService) {
    const env = new Environment();
    for (const key of Object.keys(env) as (keyof Environment)[]) {
      const value: unknown = config.get(key);
      if (value !== undefined) Object.assign(env, { [key]: value });
    }
    for (const key of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'APP_SECRET', 'CORS_ORIGINS'] as const) {
      const value = config.get<string>(key);
      if (value !== undefined) env[key] = value;
    }
    this.env = Object.freeze(env);
    this.secret = resolveAppSecret(env.APP_SECRET, env.DATA_DIR);
  }

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }

  key(purpose: KeyPurpose): Buffer {
    return deriveKey(this.secret, purpose);
  }

  get corsOrigins(): string[] {
    return (this.env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
  }
}
