import { ApiProperty } from '@nestjs/swagger';
import { RecipientKind, RequestType } from '../../policy/domain/policy.types';

const SUPPRESSED = 'null when the count is 1 to 4 (suppressed: counts under 5 are never published; 0 is shown)';

/** Requests of one type by how they ended (or not yet): each a count, or null when it is 1 to 4. */
export class TransparencyOutcomeCounts {
  @ApiProperty({ type: 'integer', nullable: true, description: `approved in full; ${SUPPRESSED}` })
  approved: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: `approved in part; ${SUPPRESSED}` })
  partial: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: `rejected (the last decision, an appeal's included); ${SUPPRESSED}` })
  rejected: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: `cancelled by the subject before a decision; ${SUPPRESSED}` })
  cancelled: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: `closed because a question to the subject went unanswered; ${SUPPRESSED}` })
  lapsed: number | null;

  @ApiProperty({ type: 'integer', nullable: true, description: `not decided yet; ${SUPPRESSED}` })
  open: number | null;
}

export class TransparencyRequestType {
  @ApiProperty({ enum: RequestType })
  type: RequestType;

  outcomes: TransparencyOutcomeCounts;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'median calendar days from submission to the first decision that stood (legal’s, where staff’s needed confirming); null under 5 decisions',
  })
  medianDaysToDecide: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description:
      'share (0 to 1) of decided requests whose first standing decision came by their due date (extensions and paused clocks included); null under 5 decisions, or when the on-time or late count is 1 to 4',
  })
  decidedWithinDeadline: number | null;
}

export class TransparencyRequests {
  /** every request type, in a fixed order */
  byType: TransparencyRequestType[];

  @ApiProperty({ type: 'number', nullable: true, description: 'over every type; null under 5 decisions' })
  medianDaysToDecide: number | null;

  @ApiProperty({ type: 'number', nullable: true, description: 'over every type; null under 5 decisions, or when the on-time or late count is 1 to 4' })
  decidedWithinDeadline: number | null;
}

export class TransparencyKindCount {
  @ApiProperty({ enum: RecipientKind })
  kind: RecipientKind;

  @ApiProperty({ type: 'integer', nullable: true, description: `register entries; ${SUPPRESSED}` })
  entries: number | null;
}

export class TransparencyBasisCount {
  /** a policy clause id (3.c) or a provision id (PIPL.13) the entries cite */
  basis: string;

  @ApiProperty({ type: 'integer', nullable: true, description: `register entries citing it; ${SUPPRESSED}` })
  entries: number | null;
}

/** Disclosures made (an authority's once legal confirmed it), current entries only (a corrected entry counts once, as corrected). */
export class TransparencyDisclosures {
  /** every recipient kind, in a fixed order */
  byRecipientKind: TransparencyKindCount[];

  /** every clause or provision cited at least once in the period */
  byBasis: TransparencyBasisCount[];
}

export class TransparencyPeriod {
  @ApiProperty({ type: 'string', format: 'date', nullable: true, description: 'first day (UTC), or null: from the beginning' })
  from: string | null;

  @ApiProperty({ type: 'string', format: 'date', nullable: true, description: 'last day (UTC, included), or null: up to now' })
  to: string | null;
}

/**
 * The public statistics (face.use.4): aggregate counts only, nothing that identifies a person; a
 * count from 1 to 4 is `null`.
 */
export class TransparencyReport {
  period: TransparencyPeriod;

  /** when these figures were computed (they are kept a few minutes) */
  generatedAt: string;

  @ApiProperty({ type: 'integer', example: 5, description: 'counts below this (other than 0) are answered as null' })
  smallestPublishedCount: number;

  requests: TransparencyRequests;

  disclosures: TransparencyDisclosures;
}
