import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RequestType } from '../policy/domain/policy.types';
import { DueRule, parseDueRule } from '../config/due-rule';
import { latestDueAt, NoPauseReason, whyQuestionDoesNotPause } from './domain/deadline-ceiling';
import { computeDueAt } from './domain/due-date';
import { SubjectRequest } from './subject-request.entity';

const DAY_MS = 24 * 3_600_000;

/**
 * The deadline of each request type, from the settings `REQUEST_DUE_<TYPE>` (validated at start-up,
 * and refused above the type's ceiling), and how long a question may wait for the subject
 * (SUBJECT_REPLY_DAYS).
 */
@Injectable()
export class RequestDeadlines {
  private readonly rules: Record<RequestType, DueRule | null>;
  /** Days a question may wait for the subject's answer before the request lapses. */
  readonly subjectReplyDays: number;

  constructor(config: AppConfig) {
    this.subjectReplyDays = config.env.SUBJECT_REPLY_DAYS;
    this.rules = {
      [RequestType.Access]: parseDueRule(config.env.REQUEST_DUE_ACCESS),
      [RequestType.DeleteAccount]: parseDueRule(config.env.REQUEST_DUE_DELETE_ACCOUNT),
      [RequestType.DisclosureLog]: parseDueRule(config.env.REQUEST_DUE_DISCLOSURE_LOG),
      [RequestType.Correction]: parseDueRule(config.env.REQUEST_DUE_CORRECTION),
      [RequestType.CopyTransfer]: parseDueRule(config.env.REQUEST_DUE_COPY_TRANSFER),
      [RequestType.Explanation]: parseDueRule(config.env.REQUEST_DUE_EXPLANATION),
      [RequestType.DeleteData]: parseDueRule(config.env.REQUEST_DUE_DELETE_DATA),
      // Decided by the system in the transaction that files it.
      [RequestType.WithdrawConsent]: null,
    };
  }

  /** When a request of `type` whose clock starts at `start` is due. */
  dueAt(type: RequestType, start: Date): Date {
    const rule = this.rules[type];
    return rule ? computeDueAt(start, rule) : start;
  }

  /** The latest a request of `type` submitted at `submittedAt` may be due, extension included (DEADLINE_CEILINGS). */
  ceiling(type: RequestType, submittedAt: Date): Date {
    return latestDueAt(type, submittedAt);
  }

  /** Whether a question asked now pauses the request's clock: null if it does, else why not. */
  whyQuestionDoesNotPause(request: SubjectRequest): NoPauseReason | null {
    return whyQuestionDoesNotPause(request.type, request.clockPauses);
  }

  /** Until when a question asked at `askedAt` waits for the subject before the request lapses. */
  replyBy(askedAt: Date): Date {
    return new Date(askedAt.getTime() + this.subjectReplyDays * DAY_MS);
  }
}
