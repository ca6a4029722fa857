import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsWholeNumber } from '../../common/http/validation';
import { LAW_ID_HINT, LAW_ID_MAX_LENGTH, LAW_ID_PATTERN, LawIds } from '../../law';
import { ClauseIds } from '../../policy/dto/clause-ids.decorator';
import { TRANSFER_MECHANISMS, TransferMechanism } from '../../policy/domain/justification';
import { CLAUSE_ID_MAX_LENGTH, DATA_CATEGORIES, DataCategory, RECIPIENT_KINDS, RecipientKind } from '../../policy/domain/policy.types';
import { DisclosureFrequency, DISCLOSURE_FREQUENCIES, DisclosureStatus, DISCLOSURE_STATUSES, MAX_SUBJECTS_PER_ENTRY } from '../domain/disclosure.types';

/** Free text; not blank. */
function Text(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MinLength(1)(target, key);
    MaxLength(max)(target, key);
    Matches(/\S/, { message: '$property must not be blank' })(target, key);
  };
}

/** An instant with its time zone (e.g. 2025-03-01T09:30:00+08:00). */
function Instant(): PropertyDecorator {
  return (target, key) => {
    IsISO8601({ strict: true, strictSeparator: true })(target, key);
    Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: '$property must name its time zone (e.g. 2025-03-01T09:30:00+08:00)' })(target, key);
    MaxLength(40)(target, key);
  };
}

export class RecipientDto {
  /** the recipient's name (an authority, a company, a person) */
  @Text(300)
  name: string;

  @IsEnum(RecipientKind, { message: `kind must be one of ${RECIPIENT_KINDS.join(', ')}` })
  kind: RecipientKind;

  /** ISO 3166-1 alpha-2 code of the recipient's country or region; Hong Kong (HK), Macao (MO) and Taiwan (TW) are outside mainland China (CN) */
  @IsString()
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as CN or HK' })
  country: string;

  /** the recipient's contact or address */
  @IsOptional()
  @Text(500)
  contact?: string;
}

export class RecordDisclosureDto {
  /** the account ids of the data subjects whose information was disclosed */
  @IsArray()
  @ArrayNotEmpty({ message: 'subjectIds must name at least one subject' })
  @ArrayMaxSize(MAX_SUBJECTS_PER_ENTRY)
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'each value in subjectIds must be an account id' })
  subjectIds: string[];

  @IsObject()
  @ValidateNested()
  @Type(() => RecipientDto)
  recipient: RecipientDto;

  /** clause ids of the policy version in force that are the disclosure's basis (at least one) */
  @ClauseIds()
  @ArrayNotEmpty({ message: 'basis must cite at least one clause' })
  basis: string[];

  /** provisions of the law catalogue cited beside the clauses (an authority's disclosure cites PIPL.13) */
  @LawIds()
  law?: string[];

  /** the categories of personal information disclosed (the data map's) */
  @IsArray()
  @ArrayNotEmpty({ message: 'dataCategories must name at least one category' })
  @ArrayMaxSize(DATA_CATEGORIES.length)
  @ArrayUnique()
  @IsEnum(DataCategory, { each: true, message: `each value in dataCategories must be one of ${DATA_CATEGORIES.join(', ')}` })
  dataCategories: DataCategory[];

  /** why the information was disclosed */
  @Text(2000)
  purpose: string;

  /** the recipient's reference: case or document number (required for an authority's instrument) */
  @IsOptional()
  @Text(300)
  reference?: string;

  /** the emergency, for an emergency basis (face.transfer.4, face.share.1.5) */
  @IsOptional()
  @Text(2000)
  emergency?: string;

  /** the consent the disclosure relies on, where the recipient needs one (affiliate_sharing, new_purpose:<name>, …) */
  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Matches(/^[a-z0-9_:.-]+$/, { message: 'consentPurpose must be a consent purpose such as affiliate_sharing or new_purpose:survey' })
  consentPurpose?: string;

  /** the confidentiality agreement signed with a partner (face.share.4) */
  @IsOptional()
  @Text(300)
  agreementRef?: string;

  /** for a recipient outside mainland China: PIPL Art. 38's mechanism */
  @IsOptional()
  @IsEnum(TransferMechanism, { message: `transferMechanism must be one of ${TRANSFER_MECHANISMS.join(', ')}` })
  transferMechanism?: TransferMechanism;

  /** the mechanism's reference (filing, contract or certificate number, or the exemption relied on) */
  @IsOptional()
  @Text(300)
  transferRef?: string;

  /** the personal information protection impact assessment (PIPL Art. 55) */
  @IsOptional()
  @Text(300)
  impactAssessmentRef?: string;

  /** for a foreign authority: the competent PRC authority's approval (PIPL Art. 41, Data Security Law Art. 36) */
  @IsOptional()
  @Text(300)
  prcApprovalRef?: string;

  /** when the information was disclosed (the first time, for a repeated disclosure); not in the future */
  @Instant()
  disclosedAt: string;

  /** a repeated disclosure to one recipient for one purpose: the last time, with `frequency` */
  @IsOptional()
  @Instant()
  lastDisclosedAt?: string;

  @IsOptional()
  @IsEnum(DisclosureFrequency, { message: `frequency must be one of ${DISCLOSURE_FREQUENCIES.join(', ')}` })
  frequency?: DisclosureFrequency;

  /** the entry this one corrects (the register is append-only: a correction is a new entry) */
  @IsOptional()
  @IsUUID('all', { message: 'corrects must be the id of an entry' })
  corrects?: string;

  @IsOptional()
  @Text(2000)
  correctionReason?: string;
}

export enum ReviewOutcome {
  Confirmed = 'confirmed',
  Flagged = 'flagged',
}

export class ReviewDisclosureDto {
  @IsEnum(ReviewOutcome, { message: 'outcome must be confirmed or flagged' })
  outcome: ReviewOutcome;

  /** what legal found */
  @Text(4000)
  note: string;
}

export class WithholdDisclosureDto {
  /** until when the entry is withheld from the subject; it ends by itself */
  @Instant()
  until: string;

  /** the authority's reference (the instrument that requires confidentiality) */
  @Text(300)
  reference: string;

  /** the provisions requiring confidentiality (PIPL.18: a law or administrative regulation requires it; PIPL.35) */
  @IsArray()
  @ArrayNotEmpty({ message: 'law must cite the provision that requires confidentiality' })
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(LAW_ID_MAX_LENGTH, { each: true })
  @Matches(LAW_ID_PATTERN, { each: true, message: `each value in law must be ${LAW_ID_HINT}` })
  law: string[];

  @IsOptional()
  @Text(4000)
  note?: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const DEFAULT_DISCLOSURES_LIMIT = 25;

/** The register's filters (reports, the CSV export and the counts). */
export class DisclosuresFilterDto {
  @IsOptional()
  @IsEnum(RecipientKind, { message: `kind must be one of ${RECIPIENT_KINDS.join(', ')}` })
  kind?: RecipientKind;

  /** a clause id cited as basis (e.g. 3.c) */
  @IsOptional()
  @IsString()
  @MaxLength(CLAUSE_ID_MAX_LENGTH)
  @Matches(/^[a-z0-9]+(\.[a-z0-9]+)*$/, { message: 'clause must be a clause id such as 3.c' })
  clause?: string;

  /** a provision id cited (e.g. PIPL.13) */
  @IsOptional()
  @IsString()
  @MaxLength(LAW_ID_MAX_LENGTH)
  @Matches(LAW_ID_PATTERN, { message: `provision must be ${LAW_ID_HINT}` })
  provision?: string;

  @IsOptional()
  @IsUUID('all', { message: 'subjectId must be an account id' })
  subjectId?: string;

  /** disclosed on or after (an entry's period overlaps [from, to]) */
  @IsOptional()
  @Instant()
  from?: string;

  @IsOptional()
  @Instant()
  to?: string;

  @IsOptional()
  @IsEnum(DisclosureStatus, { message: `status must be one of ${DISCLOSURE_STATUSES.join(', ')}` })
  status?: DisclosureStatus;

  /** false: entries no correction has replaced (with status=flagged, the remediation list); true: only those replaced */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'corrected must be true or false' })
  corrected?: boolean;
}

export class DisclosuresQueryDto extends DisclosuresFilterDto {
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
