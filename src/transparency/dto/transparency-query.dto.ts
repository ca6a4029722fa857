import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A calendar day, YYYY-MM-DD, that exists (2025-02-30 does not). */
function Day(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MaxLength(10)(target, key);
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date, YYYY-MM-DD' })(target, key);
    IsISO8601({ strict: true }, { message: '$property must be a date that exists' })(target, key);
  };
}

/** The period the figures cover: requests submitted, disclosures made, from `from` to `to` (whole days, UTC, both included). */
export class TransparencyQueryDto {
  /** first day (UTC) of the period, YYYY-MM-DD; not after today; at the earliest 2000-01-01 */
  @IsOptional()
  @Day()
  from?: string;

  /** last day (UTC) of the period, YYYY-MM-DD, included; not before `from` */
  @IsOptional()
  @Day()
  to?: string;
}
