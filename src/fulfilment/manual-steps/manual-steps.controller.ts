import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../../common/http/validation';
import { CurrentUser, Roles } from '../../kernel/access.decorators';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { ConfirmStepDto, ManualStepsView } from './dto/confirm-step.dto';
import { ManualSteps } from './manual-steps.service';

/** A reviewer confirms a manual step of a request in fulfilment (a system no connector reaches). */
@ApiTags('review')
@ApiBearerAuth()
@Controller('api/v1/staff/requests')
export class ManualStepsController {
  constructor(private readonly steps: ManualSteps) {}

  @Post(':id/steps/confirm')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  confirm(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ConfirmStepDto): Promise<ManualStepsView> {
    return this.steps.confirm(user, id, dto);
  }
}
