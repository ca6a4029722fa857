import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { iso } from '../common/time/iso';
import { whileLocked } from '../database/advisory-lock';
import { ErasureJob } from '../erasure';
import { DataMapService, ErasureAction } from '../fulfilment';
import { HoldsService } from '../holds';
import { IdentityService } from '../identity';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { JobsService } from '../jobs/jobs.service';
import { NotificationKind } from '../notifications/notification-kind';
import { NotificationsService } from '../notifications/notifications.service';
import { DATA_CATEGORIES } from '../policy/domain/policy.types';
import { RequestRecords } from '../requests';
import { CancelEndDto, EndOfServiceView, ScheduleEndDto } from './dto/end-of-service.dto';
import { endAlreadyScheduled, endAlreadyStarted, endTooFar, endTooSoon, nothingScheduled } from './end-of-service.errors';
import { EndOfServiceRepository, EndOfServiceRow, SubjectOutcome } from './end-of-service.repository';

export const END_OF_SERVICE_JOB = 'end-of-service.run';
/** Every hour, at minute 41: the run goes on after a crash, and erases what holds kept once they end. */
const END_OF_SERVICE_SCHEDULE = '41 * * * *';
export const END_NOTICE_DAYS = 30;
const MAX_YEARS_AHEAD = 5;
const PAGE = 200;

/**
 * The end of operations (face.retain.3: "如我们停止运营…我们将停止收集您的个人信息…将停止运营的通知以逐一送达或
 * 公告的形式通知您，并对我们所持有的您的个人信息进行删除或匿名化处理"; PIPL Art. 47 para. 1(2)).
 *
 * An administrator schedules it at least END_NOTICE_DAYS ahead; every subject is notified at once,
 * in the scheduling transaction. On the date a job erases every subject's data, subject by
 * subject: each category as the data map says (the request erasure's own statement, through the
 * verified link), except what an active legal hold keeps; then the portal account is closed and
 * pseudonymised like an account deletion's. Each subject's outcome is recorded, so a run after a
 * crash goes on where it stopped; the hourly run tries again the subjects that failed or whose
 * held categories wait, until none is left and the end is marked finished. Administrators read the
 * progress.
 */
@Injectable()
export class EndOfService implements OnModuleInit {
  private readonly logger = new Logger(EndOfService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: EndOfServiceRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly accounts: AccountsService,
    private readonly records: RequestRecords,
    private readonly identity: IdentityService,
    private readonly holds: HoldsService,
    private readonly dataMap: DataMapService,
    private readonly erasure: ErasureJob,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      END_OF_SERVICE_JOB,
      async () => {
        await this.run();
      },
      { schedule: END_OF_SERVICE_SCHEDULE },
    );
  }

  async status(): Promise<EndOfServiceView> {
    const standing = await this.repo.standing();
    if (!standing) return { schedule: null, progress: null };
    const { done, kept, failed } = await this.repo.progress(standing.id);
    const total = standing.subjectsTotal;
    return {
      schedule: view(standing),
      progress: { total, done, kept, failed, remaining: total === null ? null : Math.max(0, total - done - kept - failed) },
    };
  }

  async schedule(admin: AuthUser, dto: ScheduleEndDto): Promise<EndOfServiceView> {
    const endsAt = new Date(dto.endsAt);
    const now = Date.now();
    const earliest = new Date(now + END_NOTICE_DAYS * 86_400_000);
    if (endsAt.getTime() < earliest.getTime()) throw endTooSoon(earliest);
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + MAX_YEARS_AHEAD);
    if (endsAt.getTime() > latest.getTime()) throw endTooFar(latest);
    await this.dataSource.transaction(async (manager) => {
      const row = await this.repo.insert(manager, endsAt, dto.reason, admin.id);
      if (!row) throw endAlreadyScheduled((await this.repo.standing(manager))?.endsAt ?? endsAt);
      const notified = await this.notifications.enqueueForRole(
        manager,
        Role.Subject,
        NotificationKind.ServiceEnding,
        { endsAt: iso(endsAt) },
        { dedupeKey: `service.ending:${row.id}` },
      );
      await this.repo.setNotified(manager, row.id, notified);
      await this.audit.record(manager, {
        action: 'service.end_scheduled',
        actor: actorOf(admin),
        entityType: 'end_of_service',
        entityId: row.id,
        data: { endsAt: iso(endsAt), notified },
      });
      await this.jobs.send(END_OF_SERVICE_JOB, {}, { manager, startAfter: endsAt });
    });
    return this.status();
  }

  async cancel(admin: AuthUser, dto: CancelEndDto): Promise<EndOfServiceView> {
    await this.dataSource.transaction(async (manager) => {
      const standing = await this.repo.standing(manager, true);
      if (!standing) throw nothingScheduled();
      if (standing.startedAt) throw endAlreadyStarted();
      await this.repo.cancel(manager, standing.id, admin.id);
      await this.audit.record(manager, {
        action: 'service.end_cancelled',
        actor: actorOf(admin),
        entityType: 'end_of_service',
        entityId: standing.id,
        data: { endsAt: iso(standing.endsAt), reasonLength: dto.reason.length },
      });
    });
    return this.status();
  }

  /** One run at a time across every process; nothing to do before the date or after the end finished. */
  async run(): Promise<void> {
    await whileLocked(this.dataSource, 'end-of-service', 'run', async () => {
      const standing = await this.repo.standing();
      if (!standing || standing.finishedAt || standing.endsAt.getTime() > Date.now()) return;
      await this.repo.start(standing.id);
      for (const pass of ['unvisited', 'unfinished'] as const) {
        let after: string | null = null;
        for (;;) {
          const page: { id: string; subjectRef: string }[] = await this.repo[pass](standing.id, PAGE, after);
          for (const subject of page) await this.endSubject(standing, subject);
          if (page.length < PAGE) break;
          after = page[page.length - 1].id;
        }
      }
      const { kept, failed } = await this.repo.progress(standing.id);
      const unvisited = await this.repo.unvisited(standing.id, 1, null);
      if (kept === 0 && failed === 0 && unvisited.length === 0) await this.repo.finish(standing.id);
    });
  }

  private async endSubject(end: EndOfServiceRow, subject: { id: string; subjectRef: string }): Promise<void> {
    const link = await this.identity.linkOf(subject.id);
    const holds = await this.holds.activeHolds(subject.id);
    const erased: Record<string, number> = {};
    const kept: { category: string; holds: string[] }[] = [];
    const failed: { category: string; reason: string }[] = [];
    for (const category of DATA_CATEGORIES) {
      if (this.dataMap.mapping(category).erase.action === ErasureAction.Keep) continue;
      const keptBy = holds.filter((h) => h.categories.includes(category)).map((h) => h.id);
      if (keptBy.length > 0) {
        kept.push({ category, holds: keptBy });
        continue;
      }
      // Without a verified link the portal knows no app account of this person: nothing to reach.
      if (!link) continue;
      try {
        erased[category] = await this.erasure.eraseCategory(category, link.appUserId);
      } catch (err) {
        const code = (err as { code?: string }).code;
        failed.push({ category, reason: code ? `database_error_${code}` : 'connection_failed' });
      }
    }
    const status: SubjectOutcome = failed.length > 0 ? 'failed' : kept.length > 0 ? 'kept' : 'done';
    // Ids and codes only: the log never names the subject.
    if (failed.length > 0) this.logger.warn({ endId: end.id, failed }, 'end of service: a subject’s erasure failed; tried again within the hour');
    await this.dataSource.transaction(async (manager) => {
      const cause = { endOfServiceId: end.id };
      await this.accounts.close(manager, subject.id, cause);
      await this.accounts.pseudonymise(manager, subject.id, cause);
      await this.records.pseudonymiseOf(manager, subject.id);
      // The link stays while something is still to be erased through it.
      if (status === 'done') await this.identity.forget(manager, subject.id);
      await this.repo.record(manager, end.id, subject.id, status, { linked: link !== null, erased, kept, failed });
    });
  }
}

function view(row: EndOfServiceRow) {
  return {
    id: row.id,
    endsAt: iso(row.endsAt),
    reason: row.reason,
    scheduledBy: row.scheduledBy,
    scheduledAt: iso(row.scheduledAt),
    notified: row.notified,
    startedAt: row.startedAt && iso(row.startedAt),
    finishedAt: row.finishedAt && iso(row.finishedAt),
  };
}
