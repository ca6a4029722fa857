import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { iso } from '../common/time/iso';
import { JobsService } from '../jobs/jobs.service';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { NotificationKind } from '../notifications/notification-kind';
import { NotificationsService } from '../notifications/notifications.service';
import { RequestAction } from './domain/request-lifecycle';
import { RequestDeadlines } from './request-deadlines';
import { RequestLifecycle } from './request-lifecycle.service';
import { RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

export const LAPSE_SCAN_JOB = 'requests.lapse-scan';
/** The overdue scan's cadence: a request lapses at most five minutes after its question's time ran out. */
const LAPSE_SCAN_SCHEDULE = '*/5 * * * *';
const BATCH = 200;

/**
 * Closes as `lapsed` every request whose question has waited SUBJECT_REPLY_DAYS for the subject's
 * answer (product.md, Lifecycle), each through RequestLifecycle.apply in its own transaction with
 * the notice telling the subject that it was closed and can be filed again. Safe with several
 * processes and idempotent: the lifecycle's conditional update lets one transition win; a request
 * another scan lapsed, or the subject answered, meanwhile is a lost race, not an error.
 */
@Injectable()
export class LapseScanner implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly deadlines: RequestDeadlines,
    private readonly notifications: NotificationsService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(
      LAPSE_SCAN_JOB,
      async () => {
        await this.scan();
      },
      { schedule: LAPSE_SCAN_SCHEDULE },
    );
  }

  /** Lapses what has waited long enough; returns how many requests this call lapsed. */
  async scan(): Promise<number> {
    const replyDays = this.deadlines.subjectReplyDays;
    const tried: string[] = [];
    let lapsed = 0;
    for (;;) {
      const due = await this.repo.findUnansweredFor(replyDays, BATCH, tried);
      for (const request of due) {
        tried.push(request.id);
        if (await this.lapse(request, replyDays)) lapsed += 1;
      }
      if (due.length < BATCH) return lapsed;
    }
  }

  /** One request, in its own transaction; false when another transition came first. */
  private async lapse(request: SubjectRequest, replyDays: number): Promise<boolean> {
    const questionAskedAt = iso(request.questionAskedAt as Date);
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.lifecycle.apply(manager, {
          request,
          action: RequestAction.Lapse,
          actor: SYSTEM_ACTOR,
          record: { data: { questionAskedAt, replyDays } },
        });
        await this.notifications.enqueue(manager, {
          userId: request.subjectId,
          kind: NotificationKind.RequestLapsed,
          data: { requestId: request.id, requestType: request.type, questionAskedAt, replyDays },
        });
      });
      return true;
    } catch (err) {
      // Answered, cancelled or lapsed by another scan since it was read: nothing left to do.
      if (err instanceof AppError && err.kind === ErrorKind.Conflict) return false;
      throw err;
    }
  }
}
