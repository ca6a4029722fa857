import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { iso } from '../../common/time/iso';
import { EvidenceService } from '../../evidence';
import { JobsService } from '../../jobs/jobs.service';
import { actorOf } from '../../kernel/actor';
import type { AuthUser } from '../../kernel/auth-user';
import { AwaitingConfirmation, ConnectorTarget, ManualConfirmation, StepOperation } from '../connectors/connector';
import { evidenceNotOnRequest, ownRequest, stepAlreadyConfirmed, stepNotFound } from '../fulfilment.errors';
import { ConfirmStepDto, ManualStepsView, ManualStepView } from './dto/confirm-step.dto';
import { ManualStepRow, ManualStepsRepository, ManualStepStatus } from './manual-steps.repository';

const viewOf = (row: ManualStepRow): ManualStepView => ({
  category: row.category,
  operation: row.operation,
  system: row.system,
  owner: row.owner,
  status: row.status,
  requestedAt: iso(row.requestedAt),
  confirmedBy: row.confirmedBy,
  confirmedAt: row.confirmedAt ? iso(row.confirmedAt) : null,
  note: row.note,
  evidence: row.evidenceUploadId,
});

/**
 * Manual steps (product.md, "Fulfilment: the data map"): a system no connector reaches is worked by
 * a person, and a reviewer confirms that it was done. A job asks for the step (`await`), which
 * waits as `awaiting_confirmation`; the confirmation (who, when, their note and the evidence they
 * cite) is kept on the request and audited; once the request's last step is confirmed, the job
 * that asked is sent again, in the same transaction, and carries the request on.
 */
@Injectable()
export class ManualSteps {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: ManualStepsRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly evidence: EvidenceService,
  ) {}

  /** The confirmation of the target's step; until there is one, the step is asked for and AwaitingConfirmation thrown. */
  async await(target: ConnectorTarget, operation: StepOperation): Promise<ManualConfirmation> {
    const system = target.mapping.system;
    const owner = system.owner ?? null;
    // A step is confirmed on a request; an erasure nothing requested has none to wait on.
    if (!target.requestId) throw new AwaitingConfirmation(system.id, owner);
    const row = await this.repo.ensure({
      requestId: target.requestId,
      category: target.category,
      operation,
      system: system.id,
      owner,
      subjectId: target.subjectId,
      subjectRef: target.subjectRef,
      job: target.resume.job,
      jobData: target.resume.data,
    });
    if (row.status !== ManualStepStatus.Confirmed) throw new AwaitingConfirmation(system.id, owner);
    return { confirmedBy: row.confirmedBy!, confirmedAt: iso(row.confirmedAt!), note: row.note!, evidenceUploadId: row.evidenceUploadId };
  }

  async ofRequest(requestId: string): Promise<ManualStepView[]> {
    return (await this.repo.ofRequest(requestId)).map(viewOf);
  }

  /**
   * A reviewer confirms one waiting step. Every step of the request is locked first, so that of
   * two confirmations at once exactly one sees itself the last and sends the job again.
   */
  async confirm(user: AuthUser, requestId: string, dto: ConfirmStepDto): Promise<ManualStepsView> {
    return this.dataSource.transaction(async (manager) => {
      const steps = await this.repo.lockRequest(manager, requestId);
      const step = steps.find((s) => s.category === (dto.category as string));
      if (!step) throw stepNotFound();
      if (step.subjectId === user.id) throw ownRequest();
      if (step.status === ManualStepStatus.Confirmed) throw stepAlreadyConfirmed(iso(step.confirmedAt!));
      const evidenceUploadId = dto.evidence?.toLowerCase() ?? null;
      if (evidenceUploadId) {
        const attached = await this.evidence.forRequest(requestId, manager);
        if (!attached.some((e) => e.id === evidenceUploadId && e.deletedAt === null)) throw evidenceNotOnRequest();
      }
      const confirmed = await this.repo.confirm(manager, requestId, dto.category, { confirmedBy: user.id, note: dto.note, evidenceUploadId });
      await this.audit.record(manager, {
        action: 'fulfilment.step_confirmed',
        actor: actorOf(user),
        entityType: 'request',
        entityId: requestId,
        subjectRef: step.subjectRef,
        // The note stays with the request; the trail keeps its digest, which proves it unchanged.
        data: {
          category: step.category,
          operation: step.operation,
          system: step.system,
          noteSha256: createHash('sha256').update(dto.note).digest('hex'),
          ...(evidenceUploadId && { evidence: evidenceUploadId }),
        },
      });
      const after = steps.map((s) => (s.category === confirmed.category ? confirmed : s));
      const resumed = after.every((s) => s.status === ManualStepStatus.Confirmed);
      if (resumed) {
        const sent = new Set<string>();
        for (const s of after) {
          const key = `${s.job}\n${JSON.stringify(s.jobData)}`;
          if (sent.has(key)) continue;
          sent.add(key);
          await this.jobs.send(s.job, s.jobData, { manager });
        }
      }
      return { requestId, steps: after.map(viewOf), resumed };
    });
  }
}
