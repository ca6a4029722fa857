import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidationOptions,
} from 'class-validator';
import { VALID_PURPOSES_DESCRIPTION } from '../../consents/consents.errors';
import { isConsentPurposeKey, RequestType } from '../../policy/domain/policy.types';

/** Each entry a purpose of the consent ledger; the message lists them all. */
const IsConsentPurpose = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isConsentPurpose',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isConsentPurposeKey(value),
        defaultMessage: () => `each value in purposes must be one of: ${VALID_PURPOSES_DESCRIPTION.join(', ')}`,
      },
    },
    options,
  );

/** Longest `note` a subject may add to a request, in characters. */
export const SUBJECT_NOTE_MAX_LENGTH = 2000;

/**
 * What every request body may carry, whatever its type: the subject's own words. Personal data:
 * it is kept with the request (its `details`) and shown to the subject and to staff, never written
 * to the audit trail or the logs.
 */
abstract class NewRequestBase {
  /** anything you want the reviewer to know, in your own words (1 to 2,000 characters) */
  // Absent, or a string: unlike @IsOptional(), an explicit null is refused rather than stored.
  @ValidateIf((body: NewRequestBase) => body.note !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(SUBJECT_NOTE_MAX_LENGTH)
  note?: string;
}

export class AccessRequestDto extends NewRequestBase {
  /** `access`: a copy of your personal information */
  @ApiProperty({ enum: [RequestType.Access] })
  @Equals(RequestType.Access)
  type: RequestType.Access;
}

export class WithdrawConsentRequestDto extends NewRequestBase {
  @ApiProperty({ enum: [RequestType.WithdrawConsent] })
  @Equals(RequestType.WithdrawConsent)
  type: RequestType.WithdrawConsent;

  /** the purposes to withdraw consent for, e.g. `marketing` or `new_purpose:survey` */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  @IsConsentPurpose({ each: true })
  purposes: string[];

  /** withdrawing `face_basic` deletes your facial data; you still verify your identity another way (the 422 without this names it): confirm */
  @IsOptional()
  @IsBoolean()
  confirmFaceBasic?: boolean;
}

export class DeleteAccountRequestDto extends NewRequestBase {
  @ApiProperty({ enum: [RequestType.DeleteAccount] })
  @Equals(RequestType.DeleteAccount)
  type: RequestType.DeleteAccount;

  /** your current password again (deleting the account is confirmed by it) */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class DisclosureLogRequestDto extends NewRequestBase {
  /** `disclosure_log`: the record of disclosures of your information */
  @ApiProperty({ enum: [RequestType.DisclosureLog] })
  @Equals(RequestType.DisclosureLog)
  type: RequestType.DisclosureLog;
}

/** The body of POST /api/v1/requests: one shape per request type, told apart by `type`. */
export type NewRequestDto = AccessRequestDto | WithdrawConsentRequestDto | DeleteAccountRequestDto | DisclosureLogRequestDto;

export const NEW_REQUEST_BODIES: Record<RequestType, new () => NewRequestDto> = {
  [RequestType.Access]: AccessRequestDto,
  [RequestType.WithdrawConsent]: WithdrawConsentRequestDto,
  [RequestType.DeleteAccount]: DeleteAccountRequestDto,
  [RequestType.DisclosureLog]: DisclosureLogRequestDto,
};
