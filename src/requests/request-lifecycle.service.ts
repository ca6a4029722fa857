import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEventRow } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AuditEventInput } from '../audit/audit.types';
import { isUniqueViolation } from '../common/errors/database-errors';
import { Actor, ActorRole } from '../kernel/actor';
import { checkTransition, RequestAction, statusesAllowing, Transition } from './domain/request-lifecycle';
import { DECIDED_STATUSES, RequestStatus } from './domain/request-status';
import { RequestEvent } from './request-event.entity';
import { alreadyDecided, duplicateOpenRequest, requestChanged, roleNotAllowed, transitionNotAllowed } from './requests.errors';
import { NewRequestEvent, ONE_OPEN_PER_TYPE, RequestChanges, RequestsRepository } from './requests.repository';
import { SubjectRequest } from './subject-request.entity';

/** What the timeline and the audit trail record about one transition, besides from → to. */
export interface TransitionRecord {
  outcome?: string;
  clauses?: string[];
  /** provisions of the law catalogue cited beside the clauses */
  law?: string[];
  /** staff's words for the subject (a reason, a question) */
  reason?: string | null;
  /** the subject's own words (a reply, an appeal statement): on the timeline, never in the audit trail */
  note?: string | null;
  /** facts (ids, dates, codes): on the timeline and in the audit event */
  data?: Record<string, unknown>;
}

export interface TransitionInput {
  /** the request as the caller read it: its status and version are what the update requires */
  request: SubjectRequest;
  action: RequestAction;
  /** where the action leads, when the table allows several targets (a decision) */
  to?: RequestStatus;
  actor: Actor;
  /** the version the client last saw; a different one is a 409 before anything is written */
  expectedVersion?: number;
  changes?: RequestChanges;
  /** what to record; a function when it depends on the updated row (the new deadline, say) */
  record?: TransitionRecord | ((updated: SubjectRequest) => TransitionRecord);
}

export interface TransitionResult {
  request: SubjectRequest;
  event: RequestEvent;
}

/** The audit action of each step of the lifecycle. */
const AUDIT_ACTIONS: Record<RequestAction, string> = {
  [RequestAction.Submit]: 'request.submitted',
  [RequestAction.Claim]: 'request.claimed',
  [RequestAction.Assign]: 'request.assigned',
  [RequestAction.Take]: 'request.taken',
  [RequestAction.Ask]: 'request.question_asked',
  [RequestAction.Reply]: 'request.subject_replied',
  [RequestAction.Extend]: 'request.extended',
  [RequestAction.Decide]: 'request.decided',
  [RequestAction.ConfirmDecision]: 'request.decision_confirmed',
  [RequestAction.ReplaceDecision]: 'request.decision_replaced',
  [RequestAction.Cancel]: 'request.cancelled',
  [RequestAction.Appeal]: 'request.appealed',
  [RequestAction.DecideAppeal]: 'request.appeal_decided',
  [RequestAction.StartFulfilment]: 'request.fulfilment_started',
  [RequestAction.Complete]: 'request.completed',
  [RequestAction.Lapse]: 'request.lapsed',
};

/**
 * The one way a request changes state. It consults the transitions table, makes the conditional
 * UPDATE, and writes the timeline entry and the audit event, all in the caller's transaction (so
 * the caller can add its notices to the same commit). Intake, review and fulfilment all go through
 * here; none of them updates `requests.status` on its own.
 */
@Injectable()
export class RequestLifecycle {
  constructor(
    private readonly repo: RequestsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Throws unless the table allows `actor` to do `action` to `request` now: 403 for a role that may
   * not, 409 for a status the action does not start from (`already_decided` once decided).
   * Called before any work (and again by `apply`), so that a refused call costs nothing.
   */
  assertAllowed(request: SubjectRequest, action: RequestAction, role: ActorRole, to?: RequestStatus): Transition {
    const check = checkTransition({ action, from: request.status, to, type: request.type, role });
    if (check.allowed) return check.transition;
    if (check.refusal === 'role') throw roleNotAllowed(action, check.roles);
    const decisive = action === RequestAction.Decide || action === RequestAction.Cancel;
    if (decisive && DECIDED_STATUSES.includes(request.status)) throw alreadyDecided(request.status);
    if ((action === RequestAction.ConfirmDecision || action === RequestAction.ReplaceDecision) && DECIDED_STATUSES.includes(request.status))
      throw alreadyDecided(request.status);
    throw transitionNotAllowed(action, request.status, statusesAllowing(action, request.type));
  }

  /** Throws 409 when the client names a version the request is no longer at. */
  assertVersion(request: SubjectRequest, expectedVersion: number | undefined): void {
    if (expectedVersion !== undefined && expectedVersion !== request.version) throw requestChanged({ status: request.status, version: request.version });
  }

  async apply(manager: EntityManager, input: TransitionInput): Promise<TransitionResult> {
    const { request, action, actor } = input;
    const transition = this.assertAllowed(request, action, actor.role, input.to);
    this.assertVersion(request, input.expectedVersion);
    let updated: SubjectRequest | null;
    try {
      updated = await this.repo.transition(manager, {
        id: request.id,
        from: request.status,
        to: transition.to,
        version: request.version,
        changes: input.changes,
      });
    } catch (err) {
      // Reopening a request (an appeal) while the subject has another open one of the type.
      if (isUniqueViolation(err, ONE_OPEN_PER_TYPE)) {
        const open = await this.repo.findOpenOfType(request.subjectId, request.type, request.represented);
        throw duplicateOpenRequest(open?.id ?? null, request.type);
      }
      throw err;
    }
    if (!updated) throw await this.lostRace(manager, request, action);
    const record = typeof input.record === 'function' ? input.record(updated) : (input.record ?? {});
    const event = await this.record(manager, updated, action, request.status, actor, record);
    return { request: updated, event };
  }

  /**
   * What a filing writes besides the request itself: its first timeline entry and its audit event
   * (hashed), computed for the filing's one statement (FilingRepository), which times the entry at
   * the submission. Throws unless `actor` may file a request of this type.
   */
  submission(request: SubjectRequest, actor: Actor, record: TransitionRecord = {}): { entry: Required<NewRequestEvent>; audit: AuditEventRow } {
    this.assertMaySubmit(request, actor);
    const { event, audit } = describe(request, RequestAction.Submit, null, actor, record);
    return { entry: event, audit: this.audit.prepare(audit) };
  }

  private assertMaySubmit(request: SubjectRequest, actor: Actor): void {
    const check = checkTransition({ action: RequestAction.Submit, from: null, type: request.type, role: actor.role });
    if (!check.allowed) throw roleNotAllowed(RequestAction.Submit, check.refusal === 'role' ? check.roles : []);
  }

  private async record(
    manager: EntityManager,
    request: SubjectRequest,
    action: RequestAction,
    from: RequestStatus | null,
    actor: Actor,
    record: TransitionRecord,
  ): Promise<RequestEvent> {
    const { event, audit } = describe(request, action, from, actor, record);
    const written = await this.repo.appendEvent(manager, event);
    await this.audit.record(manager, audit);
    return written;
  }

  /** Why the conditional update matched nothing: decided meanwhile, or changed in another way. */
  private async lostRace(manager: EntityManager, read: SubjectRequest, action: RequestAction): Promise<Error> {
    const current = await this.repo.findById(read.id, manager);
    const decisive = [
      RequestAction.Decide,
      RequestAction.DecideAppeal,
      RequestAction.Cancel,
      RequestAction.ConfirmDecision,
      RequestAction.ReplaceDecision,
    ].includes(action);
    if (current && decisive && current.status !== read.status && DECIDED_STATUSES.includes(current.status)) return alreadyDecided(current.status);
    return requestChanged(current ? { status: current.status, version: current.version } : undefined);
  }
}

/**
 * What one transition writes: its timeline entry and its audit event. The audit event carries ids,
 * codes and clause ids only: no reason, question, reply or statement text.
 */
function describe(
  request: SubjectRequest,
  action: RequestAction,
  from: RequestStatus | null,
  actor: Actor,
  record: TransitionRecord,
): { event: Required<NewRequestEvent>; audit: AuditEventInput } {
  const event: Required<NewRequestEvent> = {
    requestId: request.id,
    action,
    fromStatus: from,
    toStatus: request.status,
    actorId: actor.id,
    actorRole: actor.role,
    outcome: record.outcome ?? null,
    clauses: record.clauses ?? [],
    law: record.law ?? [],
    reason: record.reason ?? null,
    note: record.note ?? null,
    data: record.data ?? {},
  };
  const audit: AuditEventInput = {
    action: AUDIT_ACTIONS[action],
    actor: { id: actor.id, role: actor.role },
    entityType: 'request',
    entityId: request.id,
    subjectRef: request.subjectRef,
    data: {
      type: request.type,
      from,
      to: request.status,
      policyVersion: request.policyVersion,
      version: request.version,
      ...(record.outcome ? { outcome: record.outcome } : {}),
      ...(record.clauses && record.clauses.length > 0 ? { clauses: record.clauses } : {}),
      ...(record.law && record.law.length > 0 ? { law: record.law } : {}),
      ...(record.data ?? {}),
    },
  };
  return { event, audit };
}
