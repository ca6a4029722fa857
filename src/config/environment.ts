import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Every setting the portal reads, validated once at start-up. The README's settings table
 * mirrors this class; a wrong or missing value stops the process with a message naming it.
 */
export class Environment {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  /** When unset, the portal runs an embedded PostgreSQL under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = './.data';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  /**
   * The one secret everything is derived from (token signing, second-factor secrets at rest,
   * pseudonyms). Outside production a random one is generated and kept under DATA_DIR.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'APP_SECRET must be at least 32 characters' })
  APP_SECRET?: string;

  /** Lifetime of an API bearer token, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  ACCESS_TOKEN_TTL = 900;

  /** Lifetime of a web-portal session cookie, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(604800)
  SESSION_TTL = 28800;

  /** Require a second factor for staff, legal and admin accounts. */
  @Transform(toBoolean)
  @IsBoolean()
  MFA_REQUIRED_FOR_STAFF = false;

  /** Login attempts allowed per client address per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOGIN_RATE_LIMIT = 10;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated origins allowed by CORS; empty means no CORS headers at all. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /** Trust X-Forwarded-For from a reverse proxy (for throttling by client address). */
  @Transform(toBoolean)
  @IsBoolean()
  TRUST_PROXY = false;

  /** Fills the operator-name blanks of the published policy text. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  OPERATOR_NAME = '本应用';

  /** Create demo accounts on the first start (never in production). */
  @Transform(toBoolean)
  @IsBoolean()
  DEMO_SEED = true;

  /** How often committed audit events are sealed into the hash chain, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(600000)
  AUDIT_SEAL_INTERVAL_MS = 1000;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Values that must never sign anything in production. */
const KNOWN_WEAK_SECRETS = [/^change[-_ ]?me/i, /^secret/i, /^(.)\1+$/, /^password/i, /^example/i, /^test/i];

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, stripEmpty(raw), { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)),
  );
  if (env.NODE_ENV === 'production') {
    if (!env.APP_SECRET) problems.push('APP_SECRET: required in production (at least 32 random characters)');
    else if (KNOWN_WEAK_SECRETS.some((re) => re.test(env.APP_SECRET as string)))
      problems.push('APP_SECRET: looks like a placeholder; use a random value in production');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return env;
}

/** An empty string in the environment means "not set", so defaults apply. */
function stripEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined));
}
