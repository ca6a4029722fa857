import { Body, Controller, Get, Header, Param, Post, Query, StreamableFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { ParseIdPipe } from '../../common/http/validation';
import { CurrentUser, PublicPage, Roles } from '../../kernel/access.decorators';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { CsrfGuard } from '../csrf.guard';
import { Page, type PageContext } from '../web-context';
import type { FormValues } from '../web-form';
import { WebResultInterceptor } from '../web-result';
import { SubjectPages } from './subject-pages.service';

/** The subject's actions on their own request, each a form of its page (RequestsService answers 404 for anyone else's). */
@ApiExcludeController()
@Controller('requests')
@UseInterceptors(WebResultInterceptor)
export class RequestActionsController {
  constructor(private readonly pages: SubjectPages) {}

  @Post(':id/cancel')
  @Roles(Role.Subject)
  @UseGuards(CsrfGuard)
  cancel(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.act(user, id, 'cancel', body, page);
  }

  @Post(':id/reply')
  @Roles(Role.Subject)
  @UseGuards(CsrfGuard)
  reply(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.act(user, id, 'reply', body, page);
  }

  @Post(':id/appeal')
  @Roles(Role.Subject)
  @UseGuards(CsrfGuard)
  appeal(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.act(user, id, 'appeal', body, page);
  }
}

/** The result of a request as a file: the API's download (ExportsService: the subject's own only, audited), with the web session. */
@ApiExcludeController()
@Controller('requests')
export class RequestDownloadsController {
  constructor(private readonly pages: SubjectPages) {}

  @Get(':id/export')
  @Roles(Role.Subject)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  async download(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Query() query: FormValues): Promise<StreamableFile> {
    const found = await this.pages.download(user, id, query);
    return new StreamableFile(Readable.from(found.parts), { type: found.mediaType, disposition: `attachment; filename="request-${id}-${found.file}"` });
  }
}

/** Linking the portal account to the app account with a one-time code (IdentityService, as POST /api/v1/identity/link). */
@ApiExcludeController()
@Controller('account/link')
@UseInterceptors(WebResultInterceptor)
export class AccountLinkController {
  constructor(private readonly pages: SubjectPages) {}

  @Get()
  @Roles(Role.Subject)
  status(@CurrentUser() user: AuthUser, @Page() page: PageContext) {
    return this.pages.linkPage(user, page);
  }

  @Post()
  @Roles(Role.Subject)
  @UseGuards(CsrfGuard)
  send(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.sendLinkCode(user, body, page);
  }

  @Post('confirm')
  @Roles(Role.Subject)
  @UseGuards(CsrfGuard)
  confirm(@CurrentUser() user: AuthUser, @Page() page: PageContext, @Body() body: FormValues) {
    return this.pages.confirmLinkCode(user, body, page);
  }
}

/** The subject's consents and record of disclosures; the public transparency figures. */
@ApiExcludeController()
@Controller()
@UseInterceptors(WebResultInterceptor)
export class SubjectRecordsController {
  constructor(private readonly pages: SubjectPages) {}

  @Get('consents')
  @Roles(Role.Subject)
  consents(@CurrentUser() user: AuthUser, @Page() page: PageContext) {
    return this.pages.consentsPage(user, page);
  }

  @Get('disclosures')
  @Roles(Role.Subject)
  disclosures(@CurrentUser() user: AuthUser, @Page() page: PageContext) {
    return this.pages.disclosuresPage(user, page);
  }

  @Get('transparency')
  @PublicPage()
  transparency(@Page() page: PageContext, @Query() query: FormValues) {
    return this.pages.transparencyPage(query, page);
  }
}
