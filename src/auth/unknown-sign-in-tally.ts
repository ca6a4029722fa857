import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AuditService } from '../audit/audit.service';
import { iso } from '../common/time/iso';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { UnknownSignInsRepository } from './unknown-sign-ins.repository';

const MINUTE_MS = 60_000;

/**
 * Failed sign-ins with an email no account has. Audited one event per attempt, they would let
 * anyone grow the audit trail without bound (it is append-only, and every event is chained for
 * good). So they are counted instead, per minute, email and client (keyed hashes), and every minute
 * each ended minute becomes one `auth.login_failed` event (reason `unknown_account`) with its counts
 * of attempts, distinct emails and distinct clients: no email, no address, no hash of either.
 *
 * Every portal process flushes on a timer; an advisory lock lets one at a time do it, and a minute's
 * rows are deleted in the transaction that writes its event, so each is written out exactly once.
 * The same timer forgets the failures of clients that have not failed against an account for a day.
 */
@Injectable()
export class UnknownSignInTally implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UnknownSignInTally.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: UnknownSignInsRepository,
    private readonly accounts: AccountsRepository,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), MINUTE_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One more failed sign-in with an unknown email (keyed) from a client (keyed). */
  count(emailKey: string, clientKey: string): Promise<void> {
    return this.repo.count(emailKey, clientKey);
  }

  /** Writes every ended minute out as one audit event; returns how many. Nothing while another process is at it. */
  flush(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      if (!(await this.repo.lockForFlush(m))) return 0;
      const windows = await this.repo.takeClosedWindows(m);
      for (const w of windows) {
        await this.audit.record(m, {
          action: 'auth.login_failed',
          actor: SYSTEM_ACTOR,
          entityType: 'user',
          data: {
            reason: 'unknown_account',
            from: iso(w.from),
            to: iso(new Date(w.from.getTime() + MINUTE_MS)),
            attempts: w.attempts,
            emails: w.emails,
            clients: w.clients,
          },
        });
      }
      return windows.length;
    });
  }

  private tick(): void {
    if (this.running) return;
    this.running = Promise.all([this.flush(), this.accounts.forgetIdleSignInFailures()])
      .catch((err: Error) => this.logger.warn({ err: { type: err.name, message: err.message } }, 'sign-in tally not written; will retry'))
      .finally(() => (this.running = undefined));
  }
}
