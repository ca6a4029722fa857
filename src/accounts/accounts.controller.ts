import { Body, Controller, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { NoFieldsPipe } from '../common/http/no-fields.pipe';
import { ParseIdPipe } from '../common/http/validation';
import { AccountsService, toAccountView } from './accounts.service';
import { AccountViewDto, ChangeRoleDto, CreateAccountDto } from './dto/account.dto';
import { Role } from '../kernel/role';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Roles(Role.Admin)
  @ApiCreatedResponse({ type: AccountViewDto })
  async create(@CurrentUser() admin: AuthUser, @Body() dto: CreateAccountDto) {
    return toAccountView(await this.accounts.create(dto, actorOf(admin)));
  }

  @Patch(':id/role')
  @Roles(Role.Admin)
  @ApiOkResponse({ type: AccountViewDto })
  async changeRole(@CurrentUser() admin: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ChangeRoleDto) {
    return toAccountView(await this.accounts.changeRole(id, dto.role, actorOf(admin)));
  }

  /**
   * Turns off the second factor of another account whose owner lost it, and ends its sessions: the
   * owner signs in with the password and enrols a new one. Audited as `account.mfa_reset`; an
   * administrator never resets their own (403 `cannot_reset_own_mfa`: another administrator must).
   */
  @Post(':id/mfa/reset')
  @Roles(Role.Admin)
  @HttpCode(200)
  @ApiOkResponse({ type: AccountViewDto })
  async resetMfa(@CurrentUser() admin: AuthUser, @Param('id', ParseIdPipe) id: string, @Body(NoFieldsPipe) _body: unknown) {
    return toAccountView((await this.accounts.resetMfaOf(id, actorOf(admin))).user);
  }
}
