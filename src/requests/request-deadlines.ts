import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RequestType } from '../policy/domain/policy.types';
import { DueRule, parseDueRule } from '../config/due-rule';
import { latestDueAt } from './domain/deadline-ceiling';
import { computeDueAt } from './domain/due-date';

/** The deadline of each request type, from the settings `REQUEST_DUE_<TYPE>` (validated at start-up). */
@Injectable()
export class RequestDeadlines {
  private readonly rules: Record<RequestType, DueRule | null>;

  constructor(config: AppConfig) {
    this.rules = {
      [RequestType.Access]: parseDueRule(config.env.REQUEST_DUE_ACCESS),
      [RequestType.DeleteAccount]: parseDueRule(config.env.REQUEST_DUE_DELETE_ACCOUNT),
      [RequestType.DisclosureLog]: parseDueRule(config.env.REQUEST_DUE_DISCLOSURE_LOG),
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
}
