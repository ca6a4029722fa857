import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { ParseIdPipe } from '../common/http/validation';
import { AccountsService, toAccountView } from './accounts.service';
import { ChangeRoleDto, CreateAccountDto } from './dto/account.dto';
import { Role } from '../kernel/role';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Roles(Role.Admin)
  async create(@CurrentUser() admin: AuthUser, @Body() dto: CreateAccountDto) {
    return toAccountView(await this.accounts.create(dto, actorOf(admin)));
  }

  @Patch(':id/role')
  @Roles(Role.Admin)
  async changeRole(@CurrentUser() admin: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ChangeRoleDto) {
    return toAccountView(await this.accounts.changeRole(id, dto.role, actorOf(admin)));
  }
}
