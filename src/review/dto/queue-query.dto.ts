import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { RequestType } from '../../policy/domain/policy.types';
import { ON_BEHALF_RELATIONS, OnBehalfRelation, RequestStatus } from '../../requests';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value);

export const DEFAULT_QUEUE_LIMIT = 25;

export class QueueQueryDto {
  /** one status; omitted: every open request */
  @IsOptional()
  @IsEnum(RequestStatus)
  status?: RequestStatus;

  @IsOptional()
  @IsEnum(RequestType)
  type?: RequestType;

  /** `true`: only requests past their due date whose clock runs */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  /** `true`: only requests filed on someone's behalf (a guardian, a relative, an agent); `false`: only the subjects' own */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'onBehalf must be true or false' })
  onBehalf?: boolean;

  /** only requests filed in this relation: `guardian`, `relative_of_deceased` or `agent` */
  @IsOptional()
  @IsIn(ON_BEHALF_RELATIONS)
  relation?: OnBehalfRelation;

  /** `true`: only requests whose fulfilment has a failed step (a copy, an erasure step, a correction item), to retry */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'failing must be true or false' })
  failing?: boolean;

  /** an account id, `me`, or `none` for unassigned requests */
  @IsOptional()
  @IsString()
  @Matches(/^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, { message: 'assignee must be an account id, "me" or "none"' })
  assignee?: string;

  /** page size, 1-100 (default 25) */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(100)
  limit?: number;

  /** `nextCursor` of the previous page */
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}
