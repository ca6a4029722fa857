import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PG_INTEGER_MAX } from '../../common/http/validation';
import { CLAUSE_ID_HINT, CLAUSE_ID_MAX_LENGTH, CLAUSE_ID_PATTERN, Outcome } from '../../policy/domain/policy.types';

export const DECISION_OUTCOMES = [Outcome.Approve, Outcome.Reject, Outcome.Partial] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** Clause ids of the policy version the request was filed under, e.g. `face.retain.2`. */
function Clauses(): PropertyDecorator {
  return (target, key) => {
    IsArray()(target, key);
    ArrayNotEmpty()(target, key);
    ArrayMaxSize(20)(target, key);
    ArrayUnique()(target, key);
    IsString({ each: true })(target, key);
    MaxLength(CLAUSE_ID_MAX_LENGTH, { each: true })(target, key);
    Matches(CLAUSE_ID_PATTERN, { each: true, message: `each value in clauses must be ${CLAUSE_ID_HINT}` })(target, key);
  };
}

export class DecisionDto {
  @IsIn(DECISION_OUTCOMES)
  outcome: DecisionOutcome;

  /** at least one must justify this outcome for this request type under the request's policy version */
  @Clauses()
  clauses: string[];

  /** what the subject reads; required to reject or to approve in part */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  reason?: string;

  /** the `version` of the request you reviewed; 409 if it changed since */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedVersion?: number;
}

export class ExtendDto {
  /** the new deadline (ISO 8601 with a time zone), later than the current one */
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'until must name its time zone (e.g. 2026-01-31T12:00:00Z)' })
  @MaxLength(40)
  until: string;

  /** why more time is needed, for the subject */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  reason: string;

  /** clauses that justify an extension for this request type */
  @Clauses()
  clauses: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedVersion?: number;
}

export class AskDto {
  /** what the subject is asked; the clock pauses until they reply */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  question: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedVersion?: number;
}

export class AssignDto {
  /** a staff or legal account (legal only while the request is under appeal) */
  @IsUUID('all', { message: 'assigneeId must be an account id' })
  assigneeId: string;
}

export class TakeDto {
  /** why the request changes hands; staff must give one, legal may */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  reason?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedVersion?: number;
}
