import { Transform } from 'class-transformer';
import { IsEnum, IsString, MaxLength, MinLength } from 'class-validator';
import { RevealableField } from '../subject.types';

export class RevealSubjectFieldDto {
  @IsEnum(RevealableField, { message: `field must be one of: ${Object.values(RevealableField).join(', ')}` })
  field: RevealableField;

  /** Why the unmasked value is needed; kept in the audit trail (10 to 500 characters). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(10)
  @MaxLength(500)
  reason: string;
}
