import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsWholeNumber, PG_INTEGER_MAX } from '../../common/http/validation';
import { CLAUSE_ID_HINT, CLAUSE_ID_MAX_LENGTH, CLAUSE_ID_PATTERN } from '../domain/policy.types';

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
