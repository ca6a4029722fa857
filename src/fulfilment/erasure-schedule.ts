import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { JobsService } from '../jobs/jobs.service';
import { ERASE_JOB } from './erase.job';
import { EraseJobData, ScheduledErasure, ScheduleErasureInput } from './erasure.types';
import { ScheduledErasuresRepository } from './scheduled-erasures.repository';

/** Tries at scheduling: a waiting erasure may finish between the insert that found it and the read of it. */
const MAX_SCHEDULE_ATTEMPTS = 3;

/**
 * Schedules the erasure of one data category of one subject in the operator's systems, in the
 * caller's transaction: the `scheduled_erasures` row, its audit event (`erasure.scheduled`) and the
 * `fulfilment.erase` job all exist if and only if the change that caused them commits.
 *
 * Idempotent: while an erasure of that category waits for that subject, scheduling again writes
 * nothing and answers the waiting one.
 */
@Injectable()
export class ErasureSchedule {
  constructor(
    private readonly repo: ScheduledErasuresRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  async schedule(manager: EntityManager, input: ScheduleErasureInput): Promise<ScheduledErasure> {
    const row = {
      subjectId: input.subjectId,
      category: input.category,
      cause: input.cause,
      requestId: input.requestId ?? null,
      consentEventId: input.consentEventId ?? null,
    };
    for (let attempt = 1; ; attempt += 1) {
      const erasureId = await this.repo.insertUnlessPending(manager, row);
      if (erasureId) {
        await this.audit.record(manager, {
          action: 'erasure.scheduled',
          actor: SYSTEM_ACTOR,
          entityType: 'scheduled_erasure',
          entityId: erasureId,
          subjectRef: input.subjectRef,
          data: {
            category: row.category,
            cause: row.cause,
            ...(row.requestId && { requestId: row.requestId }),
            ...(row.consentEventId && { consentEventId: row.consentEventId }),
          },
        });
        await this.jobs.send<EraseJobData>(ERASE_JOB, { erasureId }, { manager });
        return { erasureId, category: row.category, newlyScheduled: true };
      }
      const waiting = await this.repo.findPending(manager, row.subjectId, row.category);
      if (waiting) return { erasureId: waiting, category: row.category, newlyScheduled: false };
      if (attempt === MAX_SCHEDULE_ATTEMPTS) throw new Error(`could not schedule the erasure of ${row.category}: the waiting one kept changing`);
    }
  }
}
