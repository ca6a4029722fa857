import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { ParseIdPipe } from '../common/http/validation';
import { NULLABLE_VIEW_MODELS, StaffRequestView } from '../requests';
import { ConfirmDecisionDto, DecisionDto } from './dto/decision.dto';
import { ReviewService } from './review.service';

/**
 * Four eyes (product.md, Lifecycle): a refusal or partial decision staff take waits in
 * `awaiting_legal` until a legal reviewer who is not its author confirms it or replaces it with a
 * decision of their own. Find them in the queue with `?status=awaiting_legal`.
 */
@ApiTags('review')
@ApiBearerAuth()
@ApiExtraModels(...NULLABLE_VIEW_MODELS)
@Controller('api/v1/legal/requests')
export class LegalReviewController {
  constructor(private readonly review: ReviewService) {}

  /** The proposed decision stands as it is; `note` is shown to the subject with it. 403 for its author. */
  @Post(':id/confirm')
  @HttpCode(200)
  @Roles(Role.Legal)
  confirm(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ConfirmDecisionDto): Promise<StaffRequestView> {
    return this.review.confirm(user, id, dto);
  }

  /** A decision of legal's own instead, checked like any decision; it stands at once. 403 for the proposal's author. */
  @Post(':id/replace')
  @HttpCode(200)
  @Roles(Role.Legal)
  replace(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: DecisionDto): Promise<StaffRequestView> {
    return this.review.replace(user, id, dto);
  }
}
