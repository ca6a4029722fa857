import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { PasswordHasher } from '../accounts/password-hasher';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { SignInKeys } from './sign-in-keys';
import { SignInLockout } from './sign-in-lockout';

/**
 * The signed-in caller's password, asked again before a grave act (filing the account's deletion).
 * A password guess all the same, so it is treated like one at sign-in: a wrong password counts
 * toward the lockout of the account for the caller's client (the same counter and threshold as
 * sign-in) and is audited (`account.step_up_failed`, no personal data); while the account is locked
 * for that client the step-up is refused even with the right password, as sign-in is; and its route
 * is throttled (StepUpThrottlerGuard). A right password starts the count again, as a sign-in does.
 */
@Injectable()
export class PasswordStepUp {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly keys: SignInKeys,
    private readonly lockout: SignInLockout,
  ) {}

  /** Whether `password` is the caller's and the account is not locked for their client. */
  async confirm(caller: AuthUser, password: string, clientAddress: string): Promise<boolean> {
    const user = await this.accounts.findById(caller.id);
    if (!user) return false;
    const client = this.keys.client(clientAddress);
    // The hash is checked even when locked, so that the answer takes as long either way.
    const [passwordOk, locked] = await Promise.all([this.hasher.verify(user.passwordHash, password), this.lockout.isLocked(user.id, client)]);
    if (passwordOk && !locked && (await this.dataSource.transaction((m) => this.lockout.clearUnlessLocked(m, user.id, client)))) return true;
    // A right password that met a lock (even one set by a concurrent attempt) is refused as locked.
    const reason = passwordOk || locked ? 'account_locked' : 'wrong_password';
    await this.lockout.recordFailure(user, client, { action: 'account.step_up_failed', actor: actorOf(caller), reason });
    return false;
  }
}
