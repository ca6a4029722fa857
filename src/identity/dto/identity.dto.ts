import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_EMAIL_LENGTH } from '../contact-address';
import { LINK_CHANNELS, type LinkChannel } from '../link-rules';

export class LinkDto {
  /** where the code goes: the app account's e-mail address or its phone number */
  @ApiProperty({ enum: LINK_CHANNELS })
  @IsIn(LINK_CHANNELS)
  channel: LinkChannel;

  /**
   * The e-mail address (at most 254 characters) or the mainland phone number (11 digits, with or
   * without +86) the app account has; the code goes to the contact as the app's records hold it.
   */
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_EMAIL_LENGTH)
  address: string;
}

export class ConfirmLinkDto {
  /** the 6-digit code that was sent */
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

/** A code was sent if an app account has that contact: the same answer whether one does or not. */
export class LinkSentView {
  @ApiProperty({ enum: ['sent_if_known'] })
  status: 'sent_if_known';

  /** until when the code can be confirmed (ISO-8601) */
  expiresAt: string;
}

/** The portal account is now linked to the app account. */
export class LinkedView {
  /** always true */
  @ApiProperty({ type: Boolean })
  linked: true;

  /** ISO-8601 */
  linkedAt: string;
}

/** Whether the portal account is linked to an app account (on GET /api/v1/me). */
export class IdentityStatus {
  linked: boolean;

  /** when it was linked (ISO-8601); null while it is not */
  @ApiProperty({ type: 'string', nullable: true })
  linkedAt: string | null;
}
