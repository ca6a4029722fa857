/**
 * What a notice announces; each kind has a template (notification-templates.ts). The data of a
 * notice holds ids, codes, dates and clause ids only: never personal data, never another person's.
 */
export enum NotificationKind {
  /** to the subject: their request was received, with its due date */
  RequestReceived = 'request.received',
  /** to the subject: their request was decided (approve, reject or partial) */
  RequestDecided = 'request.decided',
  /** to the subject: the deadline of their request was extended once, with a clause */
  RequestExtended = 'request.extended',
  /** to the subject: staff asked them for information; whether the clock is paused, and until when they may answer */
  RequestQuestion = 'request.question',
  /** to the subject: their request was closed because a question went unanswered; it can be filed again */
  RequestLapsed = 'request.lapsed',
  /** to staff/legal: a request they held was taken over, or reassigned, by another reviewer */
  RequestReassigned = 'request.reassigned',
  /** to staff/legal: a request passed its due date */
  RequestOverdue = 'request.overdue',
  /** to legal: requests passed their due date with nobody assigned (one notice per scan that found some) */
  RequestsOverdueUnassigned = 'requests.overdue_unassigned',
  /** to the subject: their request was fulfilled (export ready, erasure done, …) */
  RequestCompleted = 'request.completed',
  /** to every subject: a major new version of the privacy policy */
  PolicyMajorChange = 'policy.major_change',
  /** to every subject: the service ends on a date; their information is then deleted or anonymised */
  ServiceEnding = 'service.ending',
}

export const ALL_NOTIFICATION_KINDS = Object.values(NotificationKind);

/** ISO-8601 date-time, as stored in a notice's data. */
type IsoDateTime = string;

interface RequestRef {
  requestId: string;
  /** `access` | `withdraw_consent` | `delete_account` | `disclosure_log` */
  requestType: string;
}

/** The data each kind carries (its template reads exactly these). */
export interface NotificationDataByKind {
  [NotificationKind.RequestReceived]: RequestRef & { dueAt?: IsoDateTime };
  [NotificationKind.RequestDecided]: RequestRef & {
    outcome: 'approve' | 'reject' | 'partial';
    clauses?: string[];
    /** provision ids (law catalogue) cited beside the clauses */
    law?: string[];
    /** a refusal or partial decision: the data-map categories withheld or kept */
    withheld?: string[];
    /** a refusal: its ground (RefusalGround) */
    ground?: string;
    /** a refusal or partial decision: the last moment to appeal */
    appealBy?: IsoDateTime;
  };
  [NotificationKind.RequestExtended]: RequestRef & { dueAt: IsoDateTime; clauses?: string[]; law?: string[] };
  [NotificationKind.RequestQuestion]: RequestRef & { dueAt?: IsoDateTime; clockPaused?: boolean; replyBy?: IsoDateTime };
  [NotificationKind.RequestLapsed]: RequestRef & { questionAskedAt: IsoDateTime; replyDays: number };
  [NotificationKind.RequestReassigned]: RequestRef & { assigneeId: string; byRole: string };
  [NotificationKind.RequestOverdue]: RequestRef & { dueAt: IsoDateTime };
  [NotificationKind.RequestsOverdueUnassigned]: { count: number; requestIds: string[] };
  [NotificationKind.RequestCompleted]: RequestRef & { availableUntil?: IsoDateTime };
  [NotificationKind.PolicyMajorChange]: { policyVersion: string; effectiveAt?: IsoDateTime; changedClauses?: string[] };
  [NotificationKind.ServiceEnding]: { endsAt: IsoDateTime };
}

export type NotificationData<K extends NotificationKind = NotificationKind> = NotificationDataByKind[K];
