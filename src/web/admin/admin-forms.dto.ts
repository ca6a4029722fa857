import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ChangeRoleDto, CreateAccountDto } from '../../accounts/dto/account.dto';
import { IsWholeNumber, PG_INTEGER_MAX } from '../../common/http/validation';
import { CancelEndDto, ScheduleEndDto } from '../../end-of-service';
import { PublishPolicyDto } from '../../policy/dto/policy.dto';
import { CsrfFormDto, withToken } from '../dto/web-forms.dto';

/*
 * The administration forms: each is the API's own DTO (one validation rule for both) with the CSRF
 * token. What the API takes as a number or a boolean arrives from a form as text: the page service
 * converts it before these are read (admin-pages.service.ts, `draftOf`, `scheduleOf`).
 */

export class CreateAccountFormDto extends withToken(CreateAccountDto) {}

/** Resetting another account's second factor: its id, a form field (the account page fills it in). */
export class ResetMfaFormDto extends CsrfFormDto {
  @IsUUID()
  account: string;
}

/** The role of another account: its id is a form field (the account page fills it in), never personal data. */
export class ChangeRoleFormDto extends withToken(ChangeRoleDto) {
  @IsUUID()
  account: string;
}

export class PolicyDraftFormDto extends PublishPolicyDto {
  @IsString()
  @MaxLength(100)
  _csrf: string;
}

/** The end-of-service forms: the API's DTOs (their rules) with the token; the rules of the end itself are the service's. */
export class ScheduleEndFormDto extends withToken(ScheduleEndDto) {}
export class CancelEndFormDto extends withToken(CancelEndDto) {}

/** After publishing: which version was published, for the notice (an id, nothing personal). */
export class PolicyPageQueryDto {
  @IsOptional()
  @IsWholeNumber(1, PG_INTEGER_MAX)
  published?: number;
}

export const ACCOUNT_DONE = ['created', 'role', 'mfa'] as const;

/** After creating an account or changing a role: which, for the notice. */
export class AccountPageQueryDto {
  @IsOptional()
  @IsIn(ACCOUNT_DONE)
  done?: (typeof ACCOUNT_DONE)[number];
}
