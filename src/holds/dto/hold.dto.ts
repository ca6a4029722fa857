import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsWholeNumber } from '../../common/http/validation';
import { LawIds } from '../../law';
import { ClauseIds } from '../../policy/dto/clause-ids.decorator';
import { DATA_CATEGORIES, DataCategory } from '../../policy/domain/policy.types';

/** Free text of legal's own, one line or a few; not blank. */
function Text(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MinLength(1)(target, key);
    MaxLength(max)(target, key);
    Matches(/\S/, { message: '$property must not be blank' })(target, key);
  };
}

export class PlaceHoldDto {
  /** the subject's account id */
  @IsUUID('all', { message: 'subjectId must be an account id' })
  subjectId: string;

  /** the categories of personal information kept (the data map's categories) */
  @IsArray()
  @ArrayNotEmpty({ message: 'categories must name at least one category' })
  @ArrayMaxSize(DATA_CATEGORIES.length)
  @ArrayUnique()
  @IsEnum(DataCategory, { each: true, message: `each value in categories must be one of ${DATA_CATEGORIES.join(', ')}` })
  categories: DataCategory[];

  /** with `law`: the basis; at least one of the two must name something */
  @ClauseIds({ optional: true })
  clauses?: string[];

  /** provisions of law, e.g. `ECL.31` (transaction records, 3 years) or `CSL.23` (logs, 6 months) */
  @LawIds()
  law?: string[];

  /** the authority's document number; this or `retention` is required */
  @IsOptional()
  @Text(200)
  reference?: string;

  /** the statute's period in words, e.g. "3 years after completion (ECL Art. 31)"; this or `reference` is required */
  @IsOptional()
  @Text(200)
  retention?: string;

  /** when the hold ends (ISO 8601 with a time zone): in the future, at most 30 years ahead */
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'until must name its time zone (e.g. 2029-01-31T00:00:00Z)' })
  @MaxLength(40)
  until: string;

  /** why, for legal's own record */
  @Text(4000)
  note: string;
}

export class ReleaseHoldDto {
  /** why the hold ends before its expiry */
  @Text(4000)
  reason: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const DEFAULT_HOLDS_LIMIT = 25;

export class HoldsQueryDto {
  /** one subject's holds; staff must name a subject they are working on */
  @IsOptional()
  @IsUUID('all', { message: 'subjectId must be an account id' })
  subjectId?: string;

  /** `true`: only holds in force (not released, not expired); `false`: only those that ended */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  /** page size, 1-100 (default 25) */
  @IsOptional()
  @IsWholeNumber(1, 100)
  limit?: number;

  /** `nextCursor` of the previous page, as it was handed out */
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}
