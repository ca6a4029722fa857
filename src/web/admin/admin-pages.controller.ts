import { Body, Controller, Get, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ParseIdPipe } from '../../common/http/validation';
import { CurrentUser, Roles } from '../../kernel/access.decorators';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { CsrfGuard } from '../csrf.guard';
import { Page, type PageContext } from '../web-context';
import type { FormValues } from '../web-form';
import { WebResultInterceptor } from '../web-result';
import { AccountPageQueryDto, PolicyPageQueryDto } from './admin-forms.dto';
import { AdminPages } from './admin-pages.service';

/**
 * The administrator's pages: accounts, policy versions, end of service. Every route is the
 * administrator's alone, as the API routes they stand for (accounts, policy impact and publish,
 * end of service: `@Roles(Role.Admin)`); every form carries the CSRF token.
 */
@ApiExcludeController()
@Controller('admin')
@UseInterceptors(WebResultInterceptor)
export class AdminPagesController {
  constructor(private readonly pages: AdminPages) {}

  @Get()
  @Roles(Role.Admin)
  start(@Page() page: PageContext) {
    return this.pages.start(page);
  }

  @Get('accounts')
  @Roles(Role.Admin)
  accounts(@Page() page: PageContext) {
    return this.pages.accountsPage(page);
  }

  @Post('accounts')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  createAccount(@CurrentUser() admin: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.createAccount(admin, body, page);
  }

  @Post('accounts/role')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  changeRole(@CurrentUser() admin: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.changeRole(admin, body, page);
  }

  @Post('accounts/mfa-reset')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  resetMfa(@CurrentUser() admin: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.resetMfa(admin, body, page);
  }

  @Get('accounts/:id')
  @Roles(Role.Admin)
  account(@Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Query() q: AccountPageQueryDto) {
    return this.pages.accountPage(page, id, q.done);
  }

  @Get('policy')
  @Roles(Role.Admin)
  policy(@Page() page: PageContext, @Query() q: PolicyPageQueryDto) {
    return this.pages.policyPage(page, { published: q.published });
  }

  @Post('policy/impact')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  impact(@Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.impact(body, page);
  }

  @Post('policy/publish')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  publish(@CurrentUser() admin: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.publish(admin, body, page);
  }

  @Get('end-of-service')
  @Roles(Role.Admin)
  endOfService(@Page() page: PageContext) {
    return this.pages.endPage(page);
  }

  @Post('end-of-service')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  schedule(@CurrentUser() admin: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.schedule(admin, body, page);
  }

  @Post('end-of-service/cancel')
  @Roles(Role.Admin)
  @UseGuards(CsrfGuard)
  cancel(@CurrentUser() admin: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.cancel(admin, body, page);
  }
}

/**
 * The reviewers' dashboard: aggregate figures and charts (no row about a request or a person).
 * Staff and legal, who work the queue; and administrators, who oversee the service (they see the
 * figures without the links into the queue, which is not theirs).
 */
@ApiExcludeController()
@Controller('staff/dashboard')
@UseInterceptors(WebResultInterceptor)
export class DashboardPageController {
  constructor(private readonly pages: AdminPages) {}

  @Get()
  @Roles(Role.Staff, Role.Legal, Role.Admin)
  dashboard(@Page() page: PageContext) {
    return this.pages.dashboardPage(page);
  }
}
