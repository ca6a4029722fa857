import { Body, Controller, Get, Header, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AllowDuringMfaEnrolment } from '../auth/access.guard';
import { LoginThrottlerGuard } from '../auth/login-throttler.guard';
import { SessionCookieInterceptor } from '../auth/session-cookie.interceptor';
import { ParseIdPipe } from '../common/http/validation';
import { AnyRole, ClientAddress, CurrentUser, Public, PublicPage, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { VersionParamDto } from '../policy/dto/policy.dto';
import { CsrfGuard } from './csrf.guard';
import { CsrfFormDto, LanguageFormDto, LoginFormDto, MfaFormDto } from './dto/web-forms.dto';
import { Page, type PageContext } from './web-context';
import { WebPages } from './web-pages.service';
import { SubjectPages } from './subject/subject-pages.service';
import { WebResultInterceptor } from './web-result';
import { WebViews } from './web-views';

/**
 * The public pages: the rights explained, the policy viewer, the language switch. Every route
 * declares its access rule as the API's do; the pages are left out of the OpenAPI document.
 */
@ApiExcludeController()
@Controller()
@UseInterceptors(WebResultInterceptor)
export class PublicPagesController {
  constructor(private readonly pages: WebPages) {}

  @Get()
  @PublicPage()
  home(@Page() page: PageContext) {
    return this.pages.home(page);
  }

  @Get('policy')
  @PublicPage()
  policy(@Page() page: PageContext) {
    return this.pages.policyPage(page);
  }

  @Get('policy/versions/:version')
  @PublicPage()
  policyVersion(@Page() page: PageContext, @Param() p: VersionParamDto) {
    return this.pages.policyPage(page, p.version);
  }

  @Post('language')
  @Public()
  @UseGuards(CsrfGuard)
  language(@Body() dto: LanguageFormDto) {
    return this.pages.switchLanguage(dto);
  }
}

/** Signing in (with the second-factor step) and out, as forms; the session is the auth service's web session. */
@ApiExcludeController()
@Controller()
// In this order: the session cookie is set on the answer before the redirect is sent.
@UseInterceptors(WebResultInterceptor, SessionCookieInterceptor)
export class SignInPagesController {
  constructor(private readonly pages: WebPages) {}

  @Get('login')
  @PublicPage()
  loginForm(@Page() page: PageContext) {
    return this.pages.loginPage(page);
  }

  @Post('login')
  @Public()
  @UseGuards(CsrfGuard, LoginThrottlerGuard)
  login(@Page() page: PageContext, @Body() dto: LoginFormDto, @ClientAddress() client: string) {
    return this.pages.login(dto, client, page);
  }

  @Post('login/mfa')
  @Public()
  @UseGuards(CsrfGuard, LoginThrottlerGuard)
  mfa(@Page() page: PageContext, @Body() dto: MfaFormDto, @ClientAddress() client: string) {
    return this.pages.completeMfa(dto, client, page);
  }

  @Post('logout')
  @AnyRole()
  @AllowDuringMfaEnrolment()
  @UseGuards(CsrfGuard)
  logout(@CurrentUser() user: AuthUser, @Body() _form: CsrfFormDto) {
    return this.pages.logout(user);
  }
}

/** The subject's pages: their own requests only (RequestsService answers 404 for anyone else's). */
@ApiExcludeController()
@Controller('requests')
@UseInterceptors(WebResultInterceptor)
export class SubjectPagesController {
  constructor(
    private readonly pages: WebPages,
    private readonly subject: SubjectPages,
  ) {}

  @Get()
  @Roles(Role.Subject)
  list(@CurrentUser() user: AuthUser, @Page() page: PageContext) {
    return this.pages.myRequests(user, page);
  }

  @Get(':id')
  @Roles(Role.Subject)
  one(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string) {
    // The page with the subject's actions on it (cancel, reply, appeal, the result's files): src/web/subject.
    return this.subject.requestPage(user, id, page);
  }
}

/** The portal's own stylesheet (no CDN, nothing inline), cacheable: it holds nothing personal. */
@ApiExcludeController()
@Controller('assets')
export class WebAssetsController {
  constructor(private readonly views: WebViews) {}

  @Get('portal.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheet(): string {
    return this.views.stylesheet;
  }

  @Get('portal.js')
  @Public()
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  script(): string {
    return this.views.script;
  }
}
