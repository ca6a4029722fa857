import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsAcceptablePassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-rules';
import { Role } from '../../kernel/role';

export class CreateAccountDto {
  @IsEmail()
  @MaxLength(254)
  email: string;

  /** 10 to 200 characters; not one of the most common passwords, nor the email address or the part before its @ */
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @IsAcceptablePassword()
  password: string;

  @IsEnum(Role)
  role: Role;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;
}

export class ChangeRoleDto {
  @IsEnum(Role)
  role: Role;
}

/** A portal account as the admin sees it: never its password or its second factor's secret. */
export class AccountViewDto {
  id: string;
  email: string;
  role: Role;
  /** null until the person gives one */
  displayName: string | null;
  /** the language of its pages and notices, e.g. `zh-CN` */
  locale: string;
  /** whether a second factor is enrolled */
  mfaEnabled: boolean;
}
