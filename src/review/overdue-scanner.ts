import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '../kernel/role';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { JobsService } from '../jobs/jobs.service';
import { NotificationKind } from '../notifications/notification-kind';
import { NotificationsService } from '../notifications/notifications.service';
import { iso } from '../common/time/iso';
import { ReviewRepository } from './review.repository';

export const OVERDUE_SCAN_JOB = 'requests.overdue-scan';
/** Every five minutes: a request is late by at most that much before the queue's flag and the notice. */
const OVERDUE_SCAN_SCHEDULE = '*/5 * * * *';
const BATCH = 500;

/**
 * Finds open requests whose clock has run out (a paused one too, once its pause, capped at the
 * type's ceiling, can no longer carry it: ReviewRepository.flagOverdue), flags each once
 * (`overdue_flagged_at`, audited) and tells its assignee, or, for those nobody holds, every legal
 * reviewer in one notice listing them, in one transaction per batch. Idempotent: a request already
 * flagged is not flagged or announced again, and the notice's dedupe key (request and due date)
 * keeps a retried job from sending a second one.
 */
@Injectable()
export class OverdueScanner implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: ReviewRepository,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      OVERDUE_SCAN_JOB,
      async () => {
        await this.scan();
      },
      { schedule: OVERDUE_SCAN_SCHEDULE },
    );
  }

  /** Flags what is newly overdue; returns how many requests it flagged. */
  async scan(): Promise<number> {
    let total = 0;
    for (;;) {
      const flagged = await this.dataSource.transaction(async (manager) => {
        const rows = await this.repo.flagOverdue(manager, BATCH);
        for (const r of rows) {
          const dueAt = iso(r.dueAt);
          await this.audit.record(manager, {
            action: 'request.overdue_flagged',
            actor: SYSTEM_ACTOR,
            entityType: 'request',
            entityId: r.id,
            subjectRef: r.subjectRef,
            data: { type: r.type, dueAt, assigneeId: r.assigneeId },
          });
          if (r.assigneeId) {
            await this.notifications.enqueue(manager, {
              userId: r.assigneeId,
              kind: NotificationKind.RequestOverdue,
              data: { requestId: r.id, requestType: r.type, dueAt },
              dedupeKey: `${NotificationKind.RequestOverdue}:${r.id}:${dueAt}`,
            });
          }
        }
        const unassigned = rows.filter((r) => !r.assigneeId).map((r) => r.id);
        if (unassigned.length > 0) {
          // Nobody holds them: legal hears of them, once per batch (the batch's flags are in this transaction).
          await this.notifications.enqueueForRole(
            manager,
            Role.Legal,
            NotificationKind.RequestsOverdueUnassigned,
            { count: unassigned.length, requestIds: unassigned },
            { dedupeKey: `${NotificationKind.RequestsOverdueUnassigned}:${[...unassigned].sort()[0]}` },
          );
        }
        return rows.length;
      });
      total += flagged;
      if (flagged < BATCH) return total;
    }
  }
}
