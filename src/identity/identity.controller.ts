import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { ConfirmLinkDto, LinkDto, LinkedView, LinkSentView } from './dto/identity.dto';
import { IdentityService } from './identity.service';
import { LINK_RULES } from './link-rules';
import { RetryAfterInterceptor } from './retry-after.interceptor';

/**
 * The link proof: a subject shows that they are the app user whose data their requests concern,
 * with a code sent to the contact the operator's records hold for that user.
 */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/identity')
@UseInterceptors(RetryAfterInterceptor)
export class IdentityController {
  constructor(private readonly identity: IdentityService) {}

  @Post('link')
  @HttpCode(202)
  @Roles(Role.Subject)
  @ApiAcceptedResponse({
    type: LinkSentView,
    description: `A code was sent to the contact if an app account has it (valid ${LINK_RULES.codeTtlMinutes} minutes; it replaces any code sent before). The same answer whether one does or not.`,
  })
  @ApiBadRequestResponse({
    description: '`validation_failed`: an unknown channel, or an address that is not an e-mail address (≤ 254) or a mainland phone number',
  })
  @ApiConflictResponse({ description: '`already_linked`: this account is linked already' })
  @ApiTooManyRequestsResponse({ description: `\`too_many_codes\`: ${LINK_RULES.maxSendsPerWindow} codes were sent this hour (Retry-After)` })
  link(@CurrentUser() user: AuthUser, @Body() dto: LinkDto): Promise<LinkSentView> {
    return this.identity.sendCode(user, dto);
  }

  @Post('link/confirm')
  @HttpCode(200)
  @Roles(Role.Subject)
  @ApiOkResponse({ type: LinkedView, description: 'linked; the code is used up' })
  @ApiBadRequestResponse({ description: '`validation_failed`: the code is not 6 digits' })
  @ApiUnprocessableEntityResponse({ description: '`wrong_code` (with `attemptsLeft`), or `no_pending_code`: none was sent, or it expired' })
  @ApiTooManyRequestsResponse({
    description: `\`link_locked\` (with \`lockedUntil\`, and Retry-After): ${LINK_RULES.maxWrongTries} wrong codes lock confirmation for ${LINK_RULES.lockMinutes} minutes`,
  })
  @ApiConflictResponse({ description: '`already_linked_elsewhere`: the app account is linked to another portal account' })
  confirm(@CurrentUser() user: AuthUser, @Body() dto: ConfirmLinkDto): Promise<LinkedView> {
    return this.identity.confirm(user, dto);
  }
}
