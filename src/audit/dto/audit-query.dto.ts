import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

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
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}
