import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { ConsentsService } from './consents.service';
import { ConsentPurposeParamDto, GrantConsentDto } from './dto/consent.dto';
import { ConsentViewDto } from './dto/consent-view.dto';

/** The subject's own consents. Withdrawal is a `withdraw_consent` request, not a route here. */
@ApiTags('consents')
@ApiBearerAuth()
@Controller('api/v1/consents')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  @Get()
  @Roles(Role.Subject)
  list(@CurrentUser() user: AuthUser): Promise<ConsentViewDto[]> {
    return this.consents.list(user);
  }

  @Post(':purpose')
  @HttpCode(200)
  @Roles(Role.Subject)
  grant(@CurrentUser() user: AuthUser, @Param() p: ConsentPurposeParamDto, @Body() _dto: GrantConsentDto): Promise<ConsentViewDto> {
    return this.consents.grant(user, p.purpose);
  }
}
