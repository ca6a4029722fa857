import { ExportQueryDto } from '../../exports';
import { ConfirmLinkDto, LinkDto } from '../../identity';
import { AppealDto, ReplyDto } from '../../requests';
import { TransparencyQueryDto } from '../../transparency';
import { CsrfFormDto, withToken } from '../dto/web-forms.dto';

// The API's own DTOs of these actions, with the form's token: one rule for both.

/** Cancelling a request: nothing but the token (the API's NoFieldsPipe). */
export class CancelFormDto extends CsrfFormDto {}

/** The reply to staff's question: the API's ReplyDto and the token. */
export class ReplyFormDto extends withToken(ReplyDto) {}

/** An appeal of a refusal: the API's AppealDto and the token. */
export class AppealFormDto extends withToken(AppealDto) {}

/** Where the link code goes: the API's LinkDto and the token (the address is checked by IdentityService). */
export class LinkFormDto extends withToken(LinkDto) {}

/** The code that was sent: the API's ConfirmLinkDto and the token. */
export class ConfirmLinkFormDto extends withToken(ConfirmLinkDto) {}

/** Which file of a request's result to download: the API's ExportQueryDto. */
export class DownloadQueryDto extends ExportQueryDto {}

/** The period of the transparency figures (a GET form): the API's TransparencyQueryDto; an empty field of the form is no date. */
export class PeriodQueryDto extends TransparencyQueryDto {}
