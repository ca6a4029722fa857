import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isEmail } from 'class-validator';
import { Command, InvalidArgumentError } from 'commander';
import { AccountsService } from './accounts/accounts.service';
import { passwordProblem } from './accounts/password-rules';
import { OPERATOR_ACTOR } from './kernel/actor';
import { ALL_ROLES, Role } from './kernel/role';
import { AuditService } from './audit/audit.service';
import { ConfigurationError, validateEnvironment } from './config/environment';
import { resolveDatabase } from './database/resolve-database';
import { registerPolicyCommands } from './policy/policy.commands';
import { registerDemoCommands } from './operator-demo/demo.commands';

/** Boots the application without HTTP, runs `work`, and shuts down. */
async function withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  process.env.LOG_LEVEL ??= 'warn';
  // A one-shot operator command must not pick up queued work it would then abandon on exit.
  process.env.WORKER_MODE = 'off';
  const env = validateEnvironment(process.env);
  const database = await resolveDatabase(env);
  process.env.DATABASE_URL = database.url;
  if (database.ownerUrl) process.env.DATABASE_OWNER_URL = database.ownerUrl;
  const { AppModule } = await import('./app.module');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    return await work(app);
  } finally {
    await app.close();
    await database.release();
  }
}

const role = (value: string): Role => {
  if (!(ALL_ROLES as string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ALL_ROLES.join(', ')}`);
  return value as Role;
};
const email = (value: string): string => {
  if (!isEmail(value) || value.length > 254) throw new InvalidArgumentError('must be an email address');
  return value;
};
/** The password rule of the API (accounts/password-rules.ts); the email is checked once both are known. */
const password = (value: string): string => {
  const problem = passwordProblem(value);
  if (problem !== null) throw new InvalidArgumentError(problem);
  return value;
};

interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

/**
 * The password of an accounts command: the first line of standard input with --password-stdin, or
 * --password (which other users of the host can read in the process list while it runs). Refused,
 * before the database is touched, when the password rule refuses it for this email.
 */
async function passwordOf(o: PasswordOptions, address: string): Promise<string> {
  const secret = await givenPassword(o);
  const problem = passwordProblem(secret, address);
  if (problem !== null) throw new Error(`${o.password !== undefined ? '--password' : '--password-stdin'}: the password ${problem}`);
  return secret;
}

async function givenPassword(o: PasswordOptions): Promise<string> {
  if ((o.password === undefined) === (o.passwordStdin !== true)) {
    throw new Error('Give the password with --password-stdin (one line on standard input), or with --password');
  }
  if (o.password !== undefined) {
    console.warn('Note: --password can be read by other users of this host while the command runs; prefer --password-stdin.');
    return o.password;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const [line] = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  return line;
}

const positiveInt = (value: string): number => {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
};
const hexHash = (value: string): string => {
  if (!/^[0-9a-f]{64}$/.test(value)) throw new InvalidArgumentError('must be a 64-character hex hash');
  return value;
};

export function buildCli(): Command {
  const program = new Command('cli').description('Operator commands for the data-subject request portal').exitOverride();

  program
    .command('accounts:create')
    .description('Create an account (staff, legal, admin, or subject)')
    .requiredOption('--email <email>', 'the sign-in email', email)
    .requiredOption('--role <role>', `one of ${ALL_ROLES.join(', ')}`, role)
    .option('--password-stdin', 'read the password (10 to 200 characters) from the first line of standard input')
    .option('--password <password>', 'the password on the command line: visible to other users of this host, prefer --password-stdin', password)
    .option('--name <displayName>')
    .action(async (o: { email: string; role: Role; name?: string } & PasswordOptions) => {
      const secret = await passwordOf(o, o.email);
      const user = await withApp((app) =>
        app.get(AccountsService).create({ email: o.email, role: o.role, password: secret, displayName: o.name }, OPERATOR_ACTOR),
      );
      console.log(`Created ${user.role} account ${user.id}.`);
    });

  program
    .command('accounts:reset-password')
    .description('Set a new password, unlock the account and end its sessions')
    .requiredOption('--email <email>')
    .option('--password-stdin', 'read the new password (10 to 200 characters) from the first line of standard input')
    .option('--password <password>', 'the password on the command line: visible to other users of this host, prefer --password-stdin', password)
    .action(async (o: { email: string } & PasswordOptions) => {
      const secret = await passwordOf(o, o.email);
      const user = await withApp((app) => app.get(AccountsService).resetPassword(o.email, secret, OPERATOR_ACTOR));
      console.log(`Password reset for account ${user.id}; its sessions were ended.`);
    });

  program
    .command('accounts:reset-mfa')
    .description('Turn off the second factor of an account whose owner lost it, and end its sessions (audited)')
    .requiredOption('--email <email>')
    .action(async (o: { email: string }) => {
      const { user, hadMfa } = await withApp((app) => app.get(AccountsService).resetMfa(o.email, OPERATOR_ACTOR));
      console.log(
        hadMfa
          ? `Second factor removed from account ${user.id}; its sessions were ended. It signs in with its password and enrols again.`
          : `Account ${user.id} had no second factor; its sessions were ended.`,
      );
    });

  program
    .command('audit:verify')
    .description('Walk the audit chain and name the first broken link')
    .option('--seq <n>', 'with --head: the events count of an earlier verification, kept elsewhere', positiveInt)
    .option('--head <hash>', 'with --seq: the head of that verification', hexHash)
    .action(async (o: { seq?: number; head?: string }) => {
      if ((o.seq === undefined) !== (o.head === undefined)) {
        console.error('Give --seq and --head together.');
        process.exitCode = 1;
        return;
      }
      const result = await withApp((app) => app.get(AuditService).verify(o));
      if (result.ok) console.log(`Audit chain intact: ${result.events} events, head ${result.head}.`);
      else {
        const b = result.firstBrokenAt;
        console.log(`Audit chain BROKEN after ${result.events} good events: at seq ${b?.seq ?? '-'} (event ${b?.eventId ?? '-'}): ${b?.reason}.`);
        process.exitCode = 2;
      }
    });

  registerPolicyCommands(program, withApp);
  registerDemoCommands(program, withApp);

  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const e = err as { code?: string; exitCode?: number; message?: string };
      if (typeof e.code === 'string' && e.code.startsWith('commander.')) process.exit(e.exitCode ?? 1);
      if (err instanceof ConfigurationError) console.error(err.message);
      else console.error(e.message ?? String(err));
      process.exit(1);
    });
}
