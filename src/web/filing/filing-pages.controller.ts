import { Body, Controller, Get, Param, Post, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LoginThrottlerGuard } from '../../auth/login-throttler.guard';
import { SessionCookieInterceptor } from '../../auth/session-cookie.interceptor';
import { StepUpThrottlerGuard } from '../../auth/step-up-throttler.guard';
import { ClientAddress, CurrentUser, Public, PublicPage, Roles } from '../../kernel/access.decorators';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { CsrfGuard } from '../csrf.guard';
import { Page, type PageContext } from '../web-context';
import type { FormValues } from '../web-form';
import { WebResultInterceptor } from '../web-result';
import { FilingFormGuard } from './filing-form.guard';
import { FilingPages, type FormFile } from './filing-pages.service';

/** Registration as a form: the auth service's, then a web session as the sign-in form opens one. */
@ApiExcludeController()
@Controller('register')
// In this order: the session cookie is set on the answer before the redirect is sent.
@UseInterceptors(WebResultInterceptor, SessionCookieInterceptor)
export class RegisterPagesController {
  constructor(private readonly pages: FilingPages) {}

  @Get()
  @PublicPage()
  form(@Page() page: PageContext) {
    return this.pages.registerPage(page);
  }

  // Throttled per address like POST /api/v1/auth/register and the sign-in form.
  @Post()
  @Public()
  @UseGuards(CsrfGuard, LoginThrottlerGuard)
  register(@Page() page: PageContext, @Body() body: FormValues, @ClientAddress() client: string) {
    return this.pages.register(body, client, page);
  }
}

/**
 * Filing a request: the types in plain words, then a form per type, for oneself or (with proof)
 * for someone else. Filed through RequestsService as POST /api/v1/requests is, with its step-up
 * throttle (a deletion carries the password).
 */
@ApiExcludeController()
@Controller('new-request')
@UseInterceptors(WebResultInterceptor)
export class NewRequestPagesController {
  constructor(private readonly pages: FilingPages) {}

  @Get()
  @Roles(Role.Subject)
  choose(@Page() page: PageContext) {
    return this.pages.choose(page);
  }

  @Get(':type')
  @Roles(Role.Subject)
  form(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('type') type: string) {
    return this.pages.form(user, type, false, page);
  }

  @Post(':type')
  @Roles(Role.Subject)
  @UseGuards(CsrfGuard, StepUpThrottlerGuard)
  file(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('type') type: string, @Body() body: FormValues, @ClientAddress() client: string) {
    return this.pages.file(user, type, false, body, undefined, client, page);
  }

  @Get(':type/on-behalf')
  @Roles(Role.Subject)
  onBehalfForm(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('type') type: string) {
    return this.pages.form(user, type, true, page);
  }

  /** multipart/form-data (the proof): FilingFormGuard reads the body and checks the CSRF token before anything is stored. */
  @Post(':type/on-behalf')
  @Roles(Role.Subject)
  @UseGuards(FilingFormGuard, StepUpThrottlerGuard)
  fileOnBehalf(
    @CurrentUser() user: AuthUser,
    @Page() page: PageContext,
    @Param('type') type: string,
    @Body() body: FormValues,
    @ClientAddress() client: string,
    @UploadedFile() file?: FormFile,
  ) {
    return this.pages.file(user, type, true, body, file, client, page);
  }
}
