import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsWholeNumber, PG_INTEGER_MAX } from '../../common/http/validation';
import { ApiProperty } from '@nestjs/swagger';
import { Standing, STANDINGS } from '../domain/policy-coverage';
import { CLAUSE_ID_HINT, CLAUSE_ID_MAX_LENGTH, CLAUSE_ID_PATTERN, Outcome, RecipientKind, RequestType } from '../domain/policy.types';

export class PublishPolicyDto {
  /** the policy text, Markdown, as it will be published */
  @IsString()
  @MinLength(1)
  @MaxLength(200_000)
  markdown: string;

  /** justification rules (YAML); omitted: the rules in force are carried over and re-checked */
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  rules?: string;

  /** each clause's standing (YAML, as coverage.yaml); omitted: the standings in force are carried over and re-checked */
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  coverage?: string;

  /** English glosses (YAML); omitted: carried over for clauses that still exist */
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  glosses?: string;

  /** a major version notifies every subject (policy 7.b) */
  @IsBoolean()
  major: boolean;

  /** the version in force when the impact report was reviewed; 409 if another was published since */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PG_INTEGER_MAX)
  expectedCurrentVersion?: number;
}

export class VersionParamDto {
  @IsWholeNumber(1, PG_INTEGER_MAX)
  version: number;
}

export class ClauseParamDto {
  /** a clause id such as 3.c or face.retain.2 */
  @Matches(CLAUSE_ID_PATTERN, { message: `id must be ${CLAUSE_ID_HINT}` })
  @MaxLength(CLAUSE_ID_MAX_LENGTH)
  id: string;
}

export class ClauseQueryDto {
  @IsOptional()
  @IsWholeNumber(1, PG_INTEGER_MAX)
  version?: number;
}

export class JustifiedDecisionView {
  requestType: RequestType;
  outcome: Outcome;
}

/** One clause's standing (product.md, "The law above the policy"). */
export class ClauseStandingView {
  /** the clause id, e.g. `face.retain.2` */
  id: string;
  @ApiProperty({ enum: STANDINGS })
  standing: Standing;
  /** mechanism: where in the product it is enforced */
  where?: string;
  /** rule (or a superseded clause the rules still name beside a provision): the decisions it can justify */
  justifies?: JustifiedDecisionView[];
  /** rule: the kinds of recipient it can be the basis of a disclosure to */
  @ApiProperty({ enum: RecipientKind, isArray: true, required: false })
  recipientKinds?: RecipientKind[];
  /** informational, superseded_by_law: why */
  reason?: string;
  /** superseded_by_law: the provisions of law that prevail (ids of `GET /api/v1/law`) */
  supersededBy?: string[];
}
