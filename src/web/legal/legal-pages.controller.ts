import { Body, Controller, Get, Header, Param, Post, Query, StreamableFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { isUUID } from 'class-validator';
import { Readable } from 'node:stream';
import { ParseIdPipe } from '../../common/http/validation';
import { CurrentUser, Roles } from '../../kernel/access.decorators';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { CsrfGuard } from '../csrf.guard';
import { CsrfFormDto } from '../dto/web-forms.dto';
import { Page, type PageContext } from '../web-context';
import type { FormValues } from '../web-form';
import { WebResultInterceptor } from '../web-result';
import { LegalPages } from './legal-pages.service';

/** A cursor handed back in a page's address: one text value, or none. */
const cursorOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Legal's pages: the start page, refusals awaiting legal and appeals, legal holds, the disclosure
 * register and the audit chain. Each route allows the roles of the API route it puts on a page.
 */
@ApiExcludeController()
@Controller('legal')
@UseInterceptors(WebResultInterceptor)
export class LegalPagesController {
  constructor(private readonly pages: LegalPages) {}

  @Get()
  @Roles(Role.Legal)
  home(@CurrentUser() user: AuthUser, @Page() page: PageContext) {
    return this.pages.home(user, page);
  }

  // Refusals awaiting legal (POST /api/v1/legal/requests/:id/confirm|replace) and appeals (…/appeal/decision): legal only.

  @Get('requests')
  @Roles(Role.Legal)
  requests(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Query('cursor') cursor: unknown) {
    return this.pages.requestList(user, page, 'awaiting', cursorOf(cursor));
  }

  @Get('appeals')
  @Roles(Role.Legal)
  appeals(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Query('cursor') cursor: unknown) {
    return this.pages.requestList(user, page, 'appeals', cursorOf(cursor));
  }

  @Get('requests/:id')
  @Roles(Role.Legal)
  request(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string) {
    return this.pages.request(user, id, page);
  }

  @Post('requests/:id/confirm')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  confirm(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.confirm(user, id, body, page);
  }

  @Post('requests/:id/replace')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  replace(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.replace(user, id, body, page);
  }

  @Post('requests/:id/claim')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  claim(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() _form: CsrfFormDto) {
    return this.pages.claim(user, id, page);
  }

  @Post('requests/:id/appeal')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  decideAppeal(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.decideAppeal(user, id, body, page);
  }

  // Legal holds (/api/v1/legal/holds): legal, admin and staff read (staff: a subject of their case); legal places and releases.

  @Get('holds')
  @Roles(Role.Legal, Role.Admin, Role.Staff)
  holds(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Query() query: FormValues) {
    return this.pages.holdList(user, page, query);
  }

  @Get('holds/new')
  @Roles(Role.Legal)
  holdForm(@Page() page: PageContext) {
    return this.pages.holdForm(page);
  }

  @Post('holds/new')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  placeHold(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.placeHold(user, body, page);
  }

  @Get('holds/:id')
  @Roles(Role.Legal, Role.Admin, Role.Staff)
  hold(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string) {
    return this.pages.hold(user, id, page);
  }

  @Post('holds/:id/release')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  releaseHold(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.releaseHold(user, id, body, page);
  }

  // The disclosure register (/api/v1/disclosures): legal and admin read it; staff and legal record; legal reviews and withholds.

  @Get('disclosures')
  @Roles(Role.Legal, Role.Admin)
  register(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Query() query: FormValues) {
    return this.pages.register(user, page, query);
  }

  @Get('disclosures/stats')
  @Roles(Role.Legal, Role.Admin)
  stats(@Page() page: PageContext, @Query() query: FormValues) {
    return this.pages.stats(page, query);
  }

  @Get('disclosures/new')
  @Roles(Role.Staff, Role.Legal)
  disclosureForm(@Page() page: PageContext, @Query('corrects') corrects: unknown) {
    // A correction starts from the entry it corrects (an id: no personal data in the address).
    return this.pages.disclosureForm(page, typeof corrects === 'string' && isUUID(corrects) ? { corrects } : {});
  }

  @Post('disclosures/new')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  record(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.recordDisclosure(user, body, page);
  }

  @Get('disclosures/:id')
  @Roles(Role.Legal, Role.Admin, Role.Staff)
  disclosure(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string) {
    return this.pages.disclosure(user, id, page);
  }

  @Post('disclosures/:id/review')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  review(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.reviewDisclosure(user, id, body, page);
  }

  @Post('disclosures/:id/withhold')
  @Roles(Role.Legal)
  @UseGuards(CsrfGuard)
  withhold(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.withhold(user, id, body, page);
  }

  // The audit chain (GET /api/v1/audit/verify): legal and admin.

  @Get('audit')
  @Roles(Role.Legal, Role.Admin)
  audit(@Page() page: PageContext, @Query() query: FormValues) {
    return this.pages.auditPage(page, query);
  }
}

/** The register's CSV under the page's filters, streamed by the service the API's export uses (legal and admin, as GET /api/v1/disclosures/export.csv). */
@ApiExcludeController()
@Controller('legal')
export class LegalCsvController {
  constructor(private readonly pages: LegalPages) {}

  @Get('disclosures.csv')
  @Roles(Role.Legal, Role.Admin)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  async csv(@Query() query: FormValues): Promise<StreamableFile> {
    return new StreamableFile(Readable.from(await this.pages.csv(query, 'zh-CN')), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="disclosures.csv"',
    });
  }
}
