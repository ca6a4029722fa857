import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
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
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { PG_INTEGER_MAX } from '../../common/http/validation';
import { LawIds } from '../../law';
import { ClauseIds } from '../../policy/dto/clause-ids.decorator';
import { REFUSAL_GROUNDS, RefusalGround } from '../../kernel/rights-notice';
import { DATA_CATEGORIES, DataCategory, Outcome } from '../../policy/domain/policy.types';

/** NDSMR Art. 25: a transfer to the handler the subject names is provided where all four hold. */
export class TransferConditionsDto {
  /** (1) the requester's real identity can be verified */
  @IsBoolean()
  identityVerified: boolean;

  /** (2) the information is what the subject consented to provide, or was collected on a contract */
  @IsBoolean()
  providedByConsentOrContract: boolean;

  /** (3) the transfer is technically feasible */
  @IsBoolean()
  technicallyFeasible: boolean;

  /** (4) the transfer does not harm the lawful rights and interests of others */
  @IsBoolean()
  noHarmToOthers: boolean;
}

export const DECISION_OUTCOMES = [Outcome.Approve, Outcome.Reject, Outcome.Partial] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export class DecisionDto {
  @IsIn(DECISION_OUTCOMES)
  outcome: DecisionOutcome;

  /** with `law`: at least one must justify this outcome for this request type under the request's policy version */
  @ClauseIds()
  clauses: string[];

  /** provisions of law cited beside the clauses; some outcomes need one (a refusal, a partial answer) */
  @LawIds()
  law?: string[];

  /** what the subject reads; required to reject or to approve in part */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  reason?: string;

  /** a partial decision: the data-map categories withheld (access, disclosure log) or kept under legal holds (deletion) */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(DATA_CATEGORIES.length)
  @ArrayUnique()
  @IsIn(DATA_CATEGORIES, { each: true })
  withheld?: DataCategory[];

  /** a refusal: its ground under GB/T 35273-2020 §8.7, which the subject's notice names */
  @IsOptional()
  @IsIn(REFUSAL_GROUNDS)
  ground?: RefusalGround;

  /** a partial deletion: the active legal holds on the subject that keep the withheld categories */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'each value in holds must be a hold id' })
  holds?: string[];

  /** a correction granted in part: the positions (from 0) of the items corrected; the others are not */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(19, { each: true })
  items?: number[];

  /** an explanation: the written answer the subject receives, which relies on the clauses cited */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  answer?: string;

  /** a copy the subject asked to be sent to another handler: the conditions of NDSMR Art. 25 as you found them */
  @IsOptional()
  @ValidateNested()
  @Type(() => TransferConditionsDto)
  transfer?: TransferConditionsDto;

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
  @ClauseIds()
  clauses: string[];

  /** provisions of law cited beside the clauses */
  @LawIds()
  law?: string[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedVersion?: number;
}

export class AskDto {
  /** what the subject is asked; the clock pauses until they reply, at most twice per request and never for the deletion review */
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

export class ConfirmDecisionDto {
  /** legal's words for the subject, shown with the confirmation */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  note?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedVersion?: number;
}

export class NameRepresentedDto {
  /** the app account of the person the request was filed for, as the operator's records number it */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^\S+$/, { message: 'appUserId must be one id, without spaces' })
  appUserId: string;

  /** how the reviewer identified that account from the evidence (kept with it) */
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  @Matches(/\S/, { message: 'note must not be blank' })
  note: string;
}
