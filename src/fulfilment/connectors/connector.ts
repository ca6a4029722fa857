import type { DataCategory } from '../../policy/domain/policy.types';
import type { CategoryMapping } from '../domain/data-map';

/** What a fulfilment step does in a system: the three calls every connector answers. */
export enum StepOperation {
  Export = 'export',
  Correct = 'correct',
  Erase = 'erase',
}

/** One category of one subject, in the system the data map names for it, as a job acts on it. */
export interface ConnectorTarget {
  category: DataCategory;
  mapping: CategoryMapping;
  /** the portal account (the subject) */
  subjectId: string;
  /** the subject's pseudonymous reference, for the audit trail */
  subjectRef: string;
  /** the app account the subject proved to be theirs (identity link): how records are found */
  appUserId: string;
  /** the request the step belongs to: a manual step is confirmed on it */
  requestId: string | null;
  /** the job to send again once the last manual step of the request is confirmed */
  resume: { job: string; data: Record<string, unknown> };
}

/**
 * Rows as the elements of a JSON array, one a line: the first row's JSON text and a line break,
 * then for each next row a comma, its JSON text and a line break; `rows` counts the rows in `text`.
 * A row may run from one piece into the next.
 */
export interface JsonElements {
  text: Buffer | string;
  rows: number;
}

/** Who confirmed a manual step, when, and on what proof (kept on the request). */
export interface ManualConfirmation {
  confirmedBy: string;
  confirmedAt: string;
  note: string;
  evidenceUploadId: string | null;
}

export interface CorrectionResult {
  /** false: the system holds no record of this app user to correct */
  applied: boolean;
  /** the value the system holds now, read back after the change */
  held?: unknown;
  /** a manual system: the confirmation that stands for the read-back */
  confirmation?: ManualConfirmation;
}

export interface EraseBatchResult {
  /** rows deleted or anonymised by this batch */
  rows: number;
  /** nothing of this category is left to erase (call again until it is) */
  done: boolean;
  /**
   * Where the next batch starts: pass it back as the next call's `after` (a keyset statement's
   * last key; null or absent: from the beginning). Held only in memory: after a crash the erasure
   * starts again from the beginning, which finds only what is left.
   */
  after?: string | null;
  confirmation?: ManualConfirmation;
}

/**
 * One way of reaching a system (the data map's `connector`): PostgreSQL, the portal's own records,
 * the operator's HTTP service, or a named person. The jobs ask the data map for a category's
 * connector and call it; none of them knows which kind it is.
 *
 * A call that cannot be carried out throws ConnectorStepFailed (which step, which system, a reason
 * code: never personal data); a manual step not yet confirmed throws AwaitingConfirmation.
 */
export interface Connector {
  /** The subject's rows of the category, in batches (memory holds one batch). */
  export(target: ConnectorTarget): AsyncIterable<Record<string, unknown>[]>;
  /**
   * The same rows as a copy's JSON writes them (row-json.ts, jsonRow), made by the system itself:
   * for a connector whose system can (PostgreSQL), and otherwise absent.
   */
  exportJson?(target: ConnectorTarget): AsyncIterable<JsonElements>;
  /** Applies one correction and reads the value back. */
  correct(target: ConnectorTarget, field: string, value: string): Promise<CorrectionResult>;
  /**
   * One batch of the category's erasure (`delete`: up to `batchRows` rows; `anonymise`: all at
   * once), starting `after` the previous batch's answer (null: from the beginning).
   */
  eraseBatch(target: ConnectorTarget, batchRows: number, after?: string | null): Promise<EraseBatchResult>;
}

/** A step that could not be carried out: which step, in which system, and a code saying why. */
export class ConnectorStepFailed extends Error {
  constructor(
    readonly step: string,
    readonly system: string,
    readonly reason: string,
  ) {
    super(`${step} (${system}): ${reason}`);
    this.name = 'ConnectorStepFailed';
  }

  /** As a job records it on the request. */
  get detail(): { step: string; system: string; reason: string } {
    return { step: this.step, system: this.system, reason: this.reason };
  }
}

/** A manual step waiting for a named person to confirm it (POST /api/v1/staff/requests/:id/steps/confirm). */
export class AwaitingConfirmation extends ConnectorStepFailed {
  constructor(
    system: string,
    readonly owner: string | null,
  ) {
    super('confirm', system, 'awaiting_confirmation');
    this.name = 'AwaitingConfirmation';
  }

  override get detail(): { step: string; system: string; reason: string; owner?: string } {
    return { ...super.detail, ...(this.owner && { owner: this.owner }) };
  }
}
