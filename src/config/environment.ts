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
  ValidateBy,
  ValidateIf,
  ValidationError,
} from 'class-validator';
import {
  DELETION_REVIEW_CEILING,
  DueRule,
  DueUnit,
  describeDueRule,
  isValidDueRule,
  longestSpanHours,
  mayExceedCeiling,
  parseDueRule,
  REQUEST_CEILING,
} from './due-rule';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const WORKER_MODES = ['inline', 'off'] as const;
export type WorkerMode = (typeof WORKER_MODES)[number];
export const SMS_SENDERS = ['off', 'smtp-gateway', 'command'] as const;
export type SmsSender = (typeof SMS_SENDERS)[number];

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  return value;
};
const IsDueRule = () =>
  ValidateBy({
    name: 'isDueRule',
    validator: {
      validate: isValidDueRule,
      defaultMessage: (args) => `${args?.property} must look like "15 days", "15 working days" or "48 hours" (at most a year)`,
    },
  });
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

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

  /**
   * The role that owns the portal's tables: migrations and the job queue's schema run as it, then
   * DATABASE_URL's role (which owns nothing) is granted what the portal needs. Unset: DATABASE_URL's
   * role does both, which production refuses if that role owns the tables (README, "Database roles").
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_OWNER_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_OWNER_URL?: string;

  /**
   * The operator's database that the data map's `postgres` system reaches (src/fulfilment/data-map.yaml),
   * as the account the portal uses there. Unset: the portal's own database (DATABASE_URL), where the
   * sample operator schema `operator_app` lives.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'OPERATOR_DATABASE_URL must be a postgres:// or postgresql:// URL' })
  OPERATOR_DATABASE_URL?: string;

  /**
   * A data map of the operator's own (a YAML file of the form of src/fulfilment/data-map.yaml) used
   * instead of the shipped one; checked at start exactly like it. Unset: the shipped map.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  DATA_MAP_FILE?: string;

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

  /** Writes (POST, PUT, PATCH, DELETE) allowed per signed-in account per minute, across all routes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  ACCOUNT_WRITE_RATE_LIMIT = 60;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated origins allowed by CORS; empty means no CORS headers at all. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /**
   * Serve the API documentation (/api/docs, /api/docs-json). Unset: on, except in production, where
   * a map of every route and field helps an attacker more than the portal's users; an operator who
   * wants it there says so.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  API_DOCS?: boolean;

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

  /**
   * `inline`: this process works the job queue (scheduled scans, notice delivery, …).
   * `off`: it only enqueues; a separate `npm run worker` process does the work.
   */
  @IsIn(WORKER_MODES)
  WORKER_MODE: WorkerMode = 'inline';

  /** Where notices are sent, e.g. `smtp://user:pass@mail.example.com:587`. Unset: notices stay pending. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of every notice, e.g. `"Privacy team" <privacy@example.com>`. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  MAIL_FROM?: string;

  /**
   * How one-time codes reach a phone (src/identity): `off` (phone codes are not sent; the portal
   * still answers as if they were), `smtp-gateway` (an e-mail to `<digits>@SMS_GATEWAY_DOMAIN`
   * through SMTP_URL, whose body is the text message) or `command` (SMS_COMMAND is run, without a
   * shell, with the phone number as its one argument and the text on its standard input).
   */
  @IsIn(SMS_SENDERS)
  @ValidateBy({
    name: 'smsGatewayNeedsSmtp',
    validator: {
      validate: (value: unknown, args) => value !== 'smtp-gateway' || Boolean((args?.object as Environment | undefined)?.SMTP_URL),
      defaultMessage: () => 'SMS_SENDER: smtp-gateway sends through SMTP_URL; set SMTP_URL too',
    },
  })
  SMS_SENDER: SmsSender = 'off';

  /** The e-mail-to-SMS gateway's domain (`sms.example.net`): required with SMS_SENDER=smtp-gateway. */
  @ValidateIf((env: Environment) => env.SMS_SENDER === 'smtp-gateway' || env.SMS_GATEWAY_DOMAIN !== undefined)
  @Matches(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, {
    message: 'SMS_GATEWAY_DOMAIN must be a domain name such as sms.example.net (required with SMS_SENDER=smtp-gateway)',
  })
  SMS_GATEWAY_DOMAIN?: string;

  /**
   * The program that sends a text message (an absolute path, or a name found on PATH; no
   * arguments: wrap it in a script if it needs some): required with SMS_SENDER=command. It gets
   * the number (`+86…`) as its one argument and the text on standard input, must exit 0 within
   * 10 seconds, and is never run through a shell.
   */
  @ValidateIf((env: Environment) => env.SMS_SENDER === 'command' || env.SMS_COMMAND !== undefined)
  @Matches(/^[^\s]+$/, { message: 'SMS_COMMAND must be the path of a program, without arguments or spaces (required with SMS_SENDER=command)' })
  SMS_COMMAND?: string;

  /** The portal's address as its users reach it; notices link to it. */
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL = 'http://localhost:3000';

  /** Delivery attempts per notice before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  NOTIFICATIONS_MAX_ATTEMPTS = 8;

  /** The wait after the first failed attempt, in seconds; it doubles with every further failure. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  NOTIFICATIONS_RETRY_BASE_SECONDS = 30;

  /** How often a worker looks for due notices, in seconds (with WORKER_MODE=inline a new notice also wakes it at once). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  NOTIFICATIONS_POLL_SECONDS = 10;

  /**
   * Deadlines per request type, from submission: `N days`, `N working days` (PRC working days,
   * official holidays and make-up days included) or `N hours`, refused above their ceiling
   * (DUE_SETTING_CEILINGS). A withdrawal of consent is decided at once (due on submission). A
   * question to the subject pauses the clock at most twice per request, never for the deletion
   * review, and never past the ceiling.
   */
  @IsDueRule()
  REQUEST_DUE_ACCESS = '15 days';

  @IsDueRule()
  REQUEST_DUE_DELETE_ACCOUNT = '48 hours';

  @IsDueRule()
  REQUEST_DUE_DISCLOSURE_LOG = '15 days';

  @IsDueRule()
  REQUEST_DUE_CORRECTION = '15 days';

  @IsDueRule()
  REQUEST_DUE_COPY_TRANSFER = '15 days';

  @IsDueRule()
  REQUEST_DUE_EXPLANATION = '15 days';

  @IsDueRule()
  REQUEST_DUE_DELETE_DATA = '15 days';

  /** Days (1-90) the copy an access or copy_transfer request produced can be downloaded; then it is deleted. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  EXPORT_DAYS = 14;

  /**
   * A PEM file of further certificate authorities to trust when a copy is sent to another handler
   * (copy_transfer), for handlers on a private PKI; the system's roots are trusted always.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  TRANSFER_CA_FILE?: string;

  /**
   * Networks (comma-separated CIDR, e.g. `127.0.0.1/32`) a transfer may reach although they are not
   * public; outside production only (a test's own receiver). Every other private, loopback or
   * link-local address is refused, at filing and again when the copy is sent.
   */
  @IsOptional()
  @Matches(/^\s*[0-9a-fA-F:.]+\/\d{1,3}\s*(,\s*[0-9a-fA-F:.]+\/\d{1,3}\s*)*$/, {
    message: 'TRANSFER_ALLOWED_NETWORKS must be comma-separated CIDR blocks such as 127.0.0.1/32',
  })
  TRANSFER_ALLOWED_NETWORKS?: string;

  /** Milliseconds (1000-300000) a transfer to another handler may take before it fails, to be retried. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(300_000)
  TRANSFER_TIMEOUT_MS = 30_000;

  /** Days a question may wait for the subject's answer; then the request lapses (it can be filed again). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60)
  SUBJECT_REPLY_DAYS = 15;

  /**
   * Days the evidence attached to a request is kept after the request closes; then its content is
   * erased (its kind, size and hash stay). Past the 30-day appeal window by default, so that whoever
   * reviews an appeal still sees what the subject sent.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  EVIDENCE_RETENTION_DAYS = 60;
}

type DueSetting =
  | 'REQUEST_DUE_ACCESS'
  | 'REQUEST_DUE_DELETE_ACCOUNT'
  | 'REQUEST_DUE_DISCLOSURE_LOG'
  | 'REQUEST_DUE_CORRECTION'
  | 'REQUEST_DUE_COPY_TRANSFER'
  | 'REQUEST_DUE_EXPLANATION'
  | 'REQUEST_DUE_DELETE_DATA';

/**
 * The ceiling each deadline setting may not pass, and what sets it (the requests capability holds
 * every request, extensions and pauses included, to the same ceilings by type).
 */
const DUE_SETTING_CEILINGS: Record<DueSetting, { ceiling: Readonly<DueRule>; source: string }> = {
  REQUEST_DUE_ACCESS: { ceiling: REQUEST_CEILING, source: 'GB/T 35273-2020 §8.7' },
  REQUEST_DUE_DELETE_ACCOUNT: { ceiling: DELETION_REVIEW_CEILING, source: 'policy clause face.retain.2' },
  REQUEST_DUE_DISCLOSURE_LOG: { ceiling: REQUEST_CEILING, source: 'GB/T 35273-2020 §8.7' },
  REQUEST_DUE_CORRECTION: { ceiling: REQUEST_CEILING, source: 'GB/T 35273-2020 §8.7' },
  REQUEST_DUE_COPY_TRANSFER: { ceiling: REQUEST_CEILING, source: 'GB/T 35273-2020 §8.7' },
  REQUEST_DUE_EXPLANATION: { ceiling: REQUEST_CEILING, source: 'GB/T 35273-2020 §8.7' },
  REQUEST_DUE_DELETE_DATA: { ceiling: REQUEST_CEILING, source: 'GB/T 35273-2020 §8.7' },
};

/** One problem per readable deadline setting that could end after its ceiling. */
function deadlinesAboveCeiling(env: Environment, problems: readonly string[]): string[] {
  const found: string[] = [];
  for (const [name, { ceiling, source }] of Object.entries(DUE_SETTING_CEILINGS) as [DueSetting, (typeof DUE_SETTING_CEILINGS)[DueSetting]][]) {
    // An unreadable value is reported already, once.
    if (problems.some((p) => p.startsWith(name))) continue;
    const rule = parseDueRule(env[name]);
    if (!mayExceedCeiling(rule, ceiling)) continue;
    const worst =
      rule.unit === DueUnit.WorkingDays ? ` (working days can take up to ${longestSpanHours(rule) / 24} calendar days around weekends and PRC holidays)` : '';
    found.push(`${name}: "${env[name]}"${worst} is longer than the ${describeDueRule(ceiling)} a request may take (${source})`);
  }
  return found;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Values that must never sign anything in production. */
const KNOWN_WEAK_SECRETS = [/^change[-_ ]?me/i, /^secret/i, /^(.)\1+$/, /^password/i, /^example/i, /^test/i];
/** Even hex has 16 symbols; a long value built from a handful (`abcabcabc…`) was typed, not generated. */
const MIN_DISTINCT_SECRET_CHARACTERS = 10;

function looksWeak(secret: string): boolean {
  return KNOWN_WEAK_SECRETS.some((re) => re.test(secret)) || new Set(secret).size < MIN_DISTINCT_SECRET_CHARACTERS;
}

export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, stripEmpty(raw), { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.map(describeProblem);
  problems.push(...deadlinesAboveCeiling(env, problems));
  if (env.DATABASE_OWNER_URL && !env.DATABASE_URL) problems.push('DATABASE_OWNER_URL: set DATABASE_URL too, for the role the portal connects as');
  if (env.NODE_ENV === 'production') {
    if (env.DATABASE_URL && !env.DATABASE_OWNER_URL)
      problems.push(
        'DATABASE_OWNER_URL: required in production, for the role that owns the tables; DATABASE_URL\'s role must own nothing (README, "Database roles")',
      );
    if (env.TRANSFER_ALLOWED_NETWORKS) problems.push('TRANSFER_ALLOWED_NETWORKS: not allowed in production (copies go to public addresses only)');
    if (!env.APP_SECRET) problems.push('APP_SECRET: required in production (at least 32 random characters)');
    // A secret already refused (too short) needs no second reason.
    else if (!problems.some((p) => p.startsWith('APP_SECRET')) && looksWeak(env.APP_SECRET))
      problems.push('APP_SECRET: looks like a placeholder; use a random value in production');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  env.API_DOCS ??= env.NODE_ENV !== 'production';
  return env;
}

/**
 * Constraints that say what kind of value a setting takes. When one of them fails, the range
 * checks failing with it add only noise ("PORT must not be greater than 65535" for `eighty`).
 */
const KIND_CONSTRAINTS = ['isInt', 'isBoolean', 'isIn', 'matches', 'isString'];

/** One line per wrong setting, always starting with its name. */
function describeProblem(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  const kind = KIND_CONSTRAINTS.find((name) => name in constraints);
  const messages = kind ? [constraints[kind]] : Object.values(constraints);
  return messages.map((m) => (m.startsWith(error.property) ? m : `${error.property}: ${m}`)).join('; ');
}

/** An empty string in the environment means "not set", so defaults apply. */
function stripEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined));
}
