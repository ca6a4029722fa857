import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { VALID_PURPOSES_DESCRIPTION } from '../../consents/consents.errors';
import { loadBundledDataCategories } from '../../policy/domain/data-categories';
import { DATA_CATEGORIES, DataCategory, isConsentPurposeKey, isEnumValue, RequestType } from '../../policy/domain/policy.types';
import { isCalendarDate, ON_BEHALF_RELATIONS, OnBehalfRelation } from '../domain/on-behalf';

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

/** The categories of personal information and the fields of each a subject may ask to correct (data-categories.yaml). */
const CORRECTABLE: ReadonlyMap<string, readonly string[]> = new Map(
  loadBundledDataCategories().map((c) => [c.id, c.correctableFields.map((f) => f.id)] as const),
);
const CATEGORY_LIST = DATA_CATEGORIES.join(', ');

/** The field of a correction item: one of its category's correctable fields; the message lists them, or says none can be. */
const IsCorrectableField = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCorrectableField',
      validator: {
        validate: (value: unknown, args) => {
          const fields = CORRECTABLE.get((args?.object as CorrectionItemDto).category);
          return fields === undefined || (typeof value === 'string' && fields.includes(value));
        },
        defaultMessage: (args) => {
          const category = (args?.object as CorrectionItemDto).category;
          const fields = CORRECTABLE.get(category) ?? [];
          return fields.length > 0
            ? `field must be one of the fields of ${category} that can be corrected: ${fields.join(', ')}`
            : `nothing in ${category} can be corrected (GET /api/v1/data-categories says why and what to do instead); categories with correctable fields: ${[
                ...CORRECTABLE,
              ]
                .filter(([, f]) => f.length > 0)
                .map(([c]) => c)
                .join(', ')}`;
        },
      },
    },
    options,
  );

/** Each entry a data-map category; the message lists them all. */
const IsDataCategory = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDataCategory',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isEnumValue(DATA_CATEGORIES, value),
        defaultMessage: (args) => `${args?.property === 'categories' ? 'each value in categories' : 'category'} must be one of: ${CATEGORY_LIST}`,
      },
    },
    options,
  );

/** The formats of a portable copy. */
export const COPY_FORMATS = ['json', 'csv'] as const;
export type CopyFormat = (typeof COPY_FORMATS)[number];

/** Longest value a correction item names, in characters. */
const CORRECTION_VALUE_MAX_LENGTH = 500;

export class OnBehalfOfDto {
  /** `guardian` of a child under 14 (PIPL Art. 31), `relative_of_deceased` (Art. 49) or `agent` */
  @IsIn(ON_BEHALF_RELATIONS)
  relation: OnBehalfRelation;

  /** the name of the person the request is about */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** the child's date of birth, YYYY-MM-DD (required for a guardian) */
  @ValidateIf((o: OnBehalfOfDto) => o.dateOfBirth !== undefined)
  @IsString()
  @ValidateBy({
    name: 'isCalendarDate',
    validator: { validate: (v: unknown) => typeof v === 'string' && isCalendarDate(v), defaultMessage: () => 'dateOfBirth must be a date YYYY-MM-DD' },
  })
  dateOfBirth?: string;

  /** your own legitimate interest (required of a relative), or what the authorisation covers */
  @ValidateIf((o: OnBehalfOfDto) => o.statement !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(SUBJECT_NOTE_MAX_LENGTH)
  statement?: string;

  /** ids of your uploads (POST /api/v1/uploads) that prove the relation: proof of guardianship, of death and relationship, or the signed authorisation */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'each value in evidence must be an upload id' })
  evidence?: string[];
}

export class CorrectionItemDto {
  /** a category of GET /api/v1/data-categories */
  @IsString()
  @MaxLength(64)
  @IsDataCategory()
  category: DataCategory;

  /** one of that category's `correctableFields` */
  @IsString()
  @MaxLength(64)
  @IsCorrectableField()
  field: string;

  /** the value you say is wrong, as you see it (optional) */
  @ValidateIf((o: CorrectionItemDto) => o.currentValue !== undefined)
  @IsString()
  @MaxLength(CORRECTION_VALUE_MAX_LENGTH)
  currentValue?: string;

  /** the right value */
  @IsString()
  @MinLength(1)
  @MaxLength(CORRECTION_VALUE_MAX_LENGTH)
  correctedValue: string;

  /** why the value is wrong or incomplete */
  @IsString()
  @MinLength(1)
  @MaxLength(SUBJECT_NOTE_MAX_LENGTH)
  explanation: string;
}

export class SendToDto {
  /** the handler (company or organisation) to send the copy to */
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** where that handler receives it: an HTTPS address on the public Internet */
  @IsString()
  @MaxLength(2000)
  @ValidateBy({
    name: 'isAbsoluteUrl',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && URL.canParse(v),
      defaultMessage: () => 'endpoint must be an absolute URL such as https://handler.example.com/inbox',
    },
  })
  endpoint: string;
}

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

  /** filing for someone else: a child under 14 (guardian), a deceased person (near relative) or whoever authorised you (agent), with proof */
  @ValidateIf((body: NewRequestBase) => body.onBehalfOf !== undefined)
  @ValidateNested()
  @Type(() => OnBehalfOfDto)
  onBehalfOf?: OnBehalfOfDto;
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

export class CorrectionRequestDto extends NewRequestBase {
  /** `correction`: information about you that is wrong or incomplete, corrected (PIPL Art. 46) */
  @ApiProperty({ enum: [RequestType.Correction] })
  @Equals(RequestType.Correction)
  type: RequestType.Correction;

  /** what to correct, item by item */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CorrectionItemDto)
  items: CorrectionItemDto[];
}

export class CopyTransferRequestDto extends NewRequestBase {
  /** `copy_transfer`: a copy in a machine-readable format, optionally sent to another handler you name (PIPL Art. 45 para. 3) */
  @ApiProperty({ enum: [RequestType.CopyTransfer] })
  @Equals(RequestType.CopyTransfer)
  type: RequestType.CopyTransfer;

  /** `json` (one document) or `csv` (one file per category) */
  @IsIn(COPY_FORMATS)
  format: CopyFormat;

  /** send the copy to this handler too */
  @ValidateIf((body: CopyTransferRequestDto) => body.sendTo !== undefined)
  @ValidateNested()
  @Type(() => SendToDto)
  sendTo?: SendToDto;
}

export class ExplanationRequestDto extends NewRequestBase {
  /** `explanation`: how your personal information is handled, explained (PIPL Art. 48) */
  @ApiProperty({ enum: [RequestType.Explanation] })
  @Equals(RequestType.Explanation)
  type: RequestType.Explanation;

  /** what you want explained */
  @IsString()
  @MinLength(1)
  @MaxLength(SUBJECT_NOTE_MAX_LENGTH)
  question: string;
}

export class DeleteDataRequestDto extends NewRequestBase {
  /** `delete_data`: the chosen categories deleted, the account kept (PIPL Art. 47) */
  @ApiProperty({ enum: [RequestType.DeleteData] })
  @Equals(RequestType.DeleteData)
  type: RequestType.DeleteData;

  /** the categories to delete (GET /api/v1/data-categories) */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(DATA_CATEGORIES.length)
  @ArrayUnique()
  @IsDataCategory({ each: true })
  categories: DataCategory[];
}

/** The body of POST /api/v1/requests: one shape per request type, told apart by `type`. */
export type NewRequestDto =
  | AccessRequestDto
  | WithdrawConsentRequestDto
  | DeleteAccountRequestDto
  | DisclosureLogRequestDto
  | CorrectionRequestDto
  | CopyTransferRequestDto
  | ExplanationRequestDto
  | DeleteDataRequestDto;

export const NEW_REQUEST_BODIES: Record<RequestType, new () => NewRequestDto> = {
  [RequestType.Access]: AccessRequestDto,
  [RequestType.WithdrawConsent]: WithdrawConsentRequestDto,
  [RequestType.DeleteAccount]: DeleteAccountRequestDto,
  [RequestType.DisclosureLog]: DisclosureLogRequestDto,
  [RequestType.Correction]: CorrectionRequestDto,
  [RequestType.CopyTransfer]: CopyTransferRequestDto,
  [RequestType.Explanation]: ExplanationRequestDto,
  [RequestType.DeleteData]: DeleteDataRequestDto,
};
