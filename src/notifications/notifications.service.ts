import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { Role } from '../kernel/role';
import { NoticeDeliveryJob } from './notice-delivery.job';
import { NotificationData, NotificationKind } from './notification-kind';
import { NewNotice, NotificationsRepository } from './notifications.repository';

export interface NewNotification<K extends NotificationKind> {
  /** the recipient's account: the address is read when the notice is sent, never stored here */
  userId: string;
  kind: K;
  /** ids, codes, dates, clause ids; never personal data */
  data: NotificationData<K>;
  /** at most one notice ever exists per key (e.g. `request.decided:<requestId>`) */
  dedupeKey?: string;
}

/** Notice data that holds an address: a mistake of the caller, refused before it is stored. */
export class PersonalDataInNoticeError extends Error {
  constructor(kind: string) {
    super(`notice data for ${kind} looks like it holds an email address; notices carry ids and codes only`);
    this.name = 'PersonalDataInNoticeError';
  }
}

/** Set on a transaction's query runner when it wrote notices: its commit wakes the deliverer. */
const WROTE_NOTICES = 'notificationsWritten';

/**
 * The outbox of notices to people. Writers enqueue INSIDE their own transaction, so a notice
 * exists if and only if the change it announces commits; a worker delivers it afterwards
 * (NotificationDeliverer). After a commit that wrote notices, the deliverer is woken at once.
 */
@Injectable()
export class NotificationsService implements OnModuleInit, EntitySubscriberInterface {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: NotificationsRepository,
    private readonly delivery: NoticeDeliveryJob,
  ) {}

  onModuleInit(): void {
    // Listens for commits only (no entity): see afterTransactionCommit.
    this.dataSource.subscribers.push(this);
  }

  /** One notice to one account. Returns its id, or null if `dedupeKey` was used before. */
  async enqueue<K extends NotificationKind>(manager: EntityManager, notice: NewNotification<K>): Promise<string | null> {
    assertNoAddresses(notice.kind, notice.data);
    const id = await this.repo.insertOne(manager, notice);
    if (id) this.afterCommitOf(manager);
    return id;
  }

  /**
   * The notice as it will be stored, checked like any other, for the one writer that inserts it in
   * its own statement (a filing's receipt: src/requests/filing.repository.ts). That writer calls
   * `written` once the statement has run. Everything else calls `enqueue`.
   */
  prepare<K extends NotificationKind>(notice: NewNotification<K>): NewNotice {
    assertNoAddresses(notice.kind, notice.data);
    return { userId: notice.userId, kind: notice.kind, data: notice.data, dedupeKey: notice.dedupeKey ?? null };
  }

  /** Prepared notices were written on `manager`: the deliverer wakes once that commits (at once outside a transaction). */
  written(manager: EntityManager): void {
    this.afterCommitOf(manager);
  }

  /**
   * One notice to every account of `role` (every subject, on a major policy change), in a single
   * INSERT … SELECT. With `dedupeKey`, each account's notice is keyed `<dedupeKey>:<user id>`, so a
   * repeated call adds nothing. Returns how many notices were written.
   */
  async enqueueForRole<K extends NotificationKind>(
    manager: EntityManager,
    role: Role,
    kind: K,
    data: NotificationData<K>,
    options: { dedupeKey?: string } = {},
  ): Promise<number> {
    assertNoAddresses(kind, data);
    const count = await this.repo.insertForRole(manager, role, kind, data, options.dedupeKey);
    if (count > 0) this.afterCommitOf(manager);
    return count;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    // A savepoint released inside a longer transaction is not the commit.
    if (runner.isTransactionActive || !runner.data?.[WROTE_NOTICES]) return;
    delete runner.data[WROTE_NOTICES];
    this.delivery.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    if (!runner.isTransactionActive && runner.data) delete runner.data[WROTE_NOTICES];
  }

  private afterCommitOf(manager: EntityManager): void {
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) runner.data[WROTE_NOTICES] = true;
    else this.delivery.wake();
  }
}

function assertNoAddresses(kind: string, data: unknown): void {
  const holdsAddress = (v: unknown): boolean =>
    typeof v === 'string'
      ? /\S@\S/.test(v)
      : Array.isArray(v)
        ? v.some(holdsAddress)
        : v !== null && typeof v === 'object' && Object.values(v).some(holdsAddress);
  if (holdsAddress(data)) throw new PersonalDataInNoticeError(kind);
}
