import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { DATA_CATEGORIES, DataCategory } from '../../../policy/domain/policy.types';

/** A reviewer's confirmation that a manual step is done, in a system no connector reaches. */
export class ConfirmStepDto {
  /** the category whose step is done */
  @IsIn(DATA_CATEGORIES)
  category: DataCategory;

  /** what was done, by whom in the operator's organisation, and where it can be checked */
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(/\S/, { message: 'note must say what was done' })
  note: string;

  /** an upload attached to the request that proves it (src/evidence) */
  @IsOptional()
  @IsUUID()
  evidence?: string;
}

/** A manual step as staff see it: what waits, and once confirmed, who confirmed it, when, and on what proof. */
export class ManualStepView {
  category: string;
  operation: string;
  system: string;
  owner: string | null;
  status: string;
  requestedAt: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
  note: string | null;
  evidence: string | null;
}

export class ManualStepsView {
  requestId: string;
  steps: ManualStepView[];
  /** the last step was confirmed by this call, and the request's job was sent again */
  resumed: boolean;
}
