import { IsIn, IsString, MaxLength } from 'class-validator';
import { ConsentState } from '../consent.types';

export class ConsentPurposeParamDto {
  /** A fixed purpose (`face_basic`, `marketing`, …) or `new_purpose:<name>` */
  @IsString()
  @MaxLength(100)
  purpose: string;
}

export class GrantConsentDto {
  /** Only `granted`: a consent is withdrawn by filing a `withdraw_consent` request. */
  @IsIn([ConsentState.Granted], {
    message: 'state must be "granted"; to withdraw a consent, file a withdraw_consent request (POST /api/v1/requests)',
  })
  state: ConsentState.Granted;
}
