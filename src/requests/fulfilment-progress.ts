import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../kernel/actor';
import { NotificationKind } from '../notifications/notification-kind';
import { NotificationsService } from '../notifications/notifications.service';
import { RequestType } from '../policy/domain/policy.types';
import { RequestAction } from './domain/request-lifecycle';
import { RequestStatus } from './domain/request-status';
import { RequestLifecycle } from './request-lifecycle.service';
import { RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

/**
 * The two steps every fulfilment job (a copy, an erasure, a correction) takes on the request it
 * carries out, the same way: it begins (`approved` → `fulfilling`, once: of two workers one moves
 * it, the other reads it moved) and it completes (`fulfilling` → `completed`, once, with the
 * subject's notice in the same transaction).
 */
@Injectable()
export class FulfilmentProgress {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: RequestsRepository,
    private readonly lifecycle: RequestLifecycle,
    private readonly notifications: NotificationsService,
  ) {}

  /** The request, now `fulfilling`, when it is of one of `types` and approved or already fulfilling; else null (nothing to do). */
  async begin(requestId: string, types: readonly RequestType[]): Promise<SubjectRequest | null> {
    const request = await this.repo.findById(requestId);
    if (!request || !types.includes(request.type)) return null;
    if (request.status === RequestStatus.Fulfilling) return request;
    if (request.status !== RequestStatus.Approved) return null;
    const { request: begun } = await this.dataSource.transaction((manager) =>
      this.lifecycle.apply(manager, { request, action: RequestAction.StartFulfilment, actor: SYSTEM_ACTOR }),
    );
    return begun;
  }

  /**
   * Completes the request while it is still `fulfilling`, recording `data` on its timeline and
   * telling the subject; `before` runs first in the same transaction (marking a copy ready, say).
   * Answers false when another run completed it first.
   */
  async complete(
    requestId: string,
    data: Record<string, unknown>,
    notice: { availableUntil?: string } = {},
    before?: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.repo.findById(requestId);
      if (!current || current.status !== RequestStatus.Fulfilling) return false;
      await before?.(manager);
      await this.lifecycle.apply(manager, { request: current, action: RequestAction.Complete, actor: SYSTEM_ACTOR, record: { data } });
      await this.notifications.enqueue(manager, {
        userId: current.subjectId,
        kind: NotificationKind.RequestCompleted,
        data: { requestId: current.id, requestType: current.type, ...notice },
      });
      return true;
    });
  }
}
