import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { ALL_ROLES, Role } from '../kernel/role';

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
}

/** On the first start outside production: one account per role, with fresh random passwords. */
@Injectable()
export class DemoAccounts {
  constructor(
    private readonly accounts: AccountsService,
    private readonly repo: AccountsRepository,
  ) {}

  /** Creates the accounts only when the database has none at all; returns the logins to show once. */
  async seedIfEmpty(): Promise<DemoLogin[]> {
    const counts = await this.repo.countByRole();
    if (Object.keys(counts).length > 0) return [];
    const logins: DemoLogin[] = [];
    for (const role of ALL_ROLES) {
      const login = { role, email: `demo.${role}@example.com`, password: randomBytes(9).toString('base64url') };
      await this.accounts.create({ ...login, displayName: `Demo ${role}` }, SYSTEM_ACTOR);
      logins.push(login);
    }
    return logins;
  }
}
