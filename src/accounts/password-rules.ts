import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * The one password rule, for every way an account gets a password: registration, an admin creating
 * an account, the operator's command line (`accounts:create`, `accounts:reset-password`). The DTOs
 * apply it through `@IsAcceptablePassword()`, AccountsService applies it again for callers without
 * a DTO, and the command line asks it before it touches the database.
 */
export const PASSWORD_MIN_LENGTH = 10;
/** argon2 takes any length; a cap keeps one request from buying a long hash. */
export const PASSWORD_MAX_LENGTH = 200;

/** The list shipped beside this file; its first lines say where it comes from. */
const COMMON_PASSWORDS_FILE = join(__dirname, 'common-passwords', 'common-passwords.txt');

let common: ReadonlySet<string> | undefined;

/** Read on first use, lower-cased: a password is compared with the list whatever its letter case. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
  return common;
}

/**
 * What is wrong with a password, as the end of a sentence that starts "the password …", or null
 * when it is acceptable. With `email`, the password may be neither the address nor its local part
 * (compared without regard to letter case, as addresses are stored lower-cased).
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)
    return `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'is one of the most common passwords; choose one that is harder to guess';
  if (email !== undefined) {
    const address = email.trim().toLowerCase();
    const at = address.lastIndexOf('@');
    const localPart = at > 0 ? address.slice(0, at) : '';
    if (lower === address || (localPart !== '' && lower === localPart)) return 'must not be the email address or the part before its @';
  }
  return null;
}

function emailBeside(args?: ValidationArguments): string | undefined {
  const email = (args?.object as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email : undefined;
}

/**
 * The password rule on a DTO property; the DTO's `email` property, when it has one, is the address
 * the password may not repeat. Values that are not strings are left to `@IsString()`.
 */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAcceptablePassword',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => typeof value !== 'string' || passwordProblem(value, emailBeside(args)) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'password'} ${typeof args?.value === 'string' ? passwordProblem(args.value, emailBeside(args)) : 'must be a string'}`,
      },
    },
    options,
  );
}
