import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsWholeNumber } from '../../common/http/validation';

export class AuditQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  entity?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  entityId?: string;

  /** pseudonymous subject reference */
  @IsOptional()
  @IsUUID()
  subjectRef?: string;

  @IsOptional()
  @IsWholeNumber(1, 500)
  limit?: number;

  /** `nextCursor` of the previous page, as it was handed out (opened and checked by PageCursors) */
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}
