import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ParseIdPipe } from '../../common/http/validation';
import { UploadKind } from '../../evidence';
import { CurrentUser, Roles } from '../../kernel/access.decorators';
import type { AuthUser } from '../../kernel/auth-user';
import { Role } from '../../kernel/role';
import { CsrfGuard } from '../csrf.guard';
import { CsrfFormDto } from '../dto/web-forms.dto';
import { Page, type PageContext } from '../web-context';
import type { FormValues } from '../web-form';
import { WebResultInterceptor } from '../web-result';
import { StaffPages } from './staff-pages.service';

/**
 * The staff pages: the review queue and one request with its forms. Each route allows the roles
 * its API route allows (staff and legal); each form is a POST behind CsrfGuard, read with the API's
 * DTO and sent to the API's service method.
 */
@ApiExcludeController()
@Controller('staff/requests')
@UseInterceptors(WebResultInterceptor)
export class StaffPagesController {
  constructor(private readonly pages: StaffPages) {}

  @Get()
  @Roles(Role.Staff, Role.Legal)
  queue(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Query() query: FormValues) {
    return this.pages.queue(user, query, page);
  }

  @Get(':id')
  @Roles(Role.Staff, Role.Legal)
  request(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Query() query: FormValues) {
    return this.pages.request(user, id, page, { outcome: query.outcome, done: query.done });
  }

  @Post(':id/reveal')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  reveal(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.reveal(user, id, body, page);
  }

  @Post(':id/claim')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  claim(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() _form: CsrfFormDto) {
    return this.pages.claim(user, id, page);
  }

  @Post(':id/take')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  take(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.take(user, id, body, page);
  }

  @Post(':id/decision')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  decide(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.decide(user, id, body, page);
  }

  @Post(':id/extend')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  extend(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.extend(user, id, body, page);
  }

  @Post(':id/ask')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  ask(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.ask(user, id, body, page);
  }

  @Post(':id/retry')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  retry(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() _form: CsrfFormDto) {
    return this.pages.retry(user, id, page);
  }

  @Post(':id/steps/confirm')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  confirmStep(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.confirmStep(user, id, body, page);
  }

  @Post(':id/represented-account')
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  nameRepresented(@Page() page: PageContext, @CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() body: FormValues) {
    return this.pages.nameRepresented(user, id, body, page);
  }
}

const MEDIA_TYPE: Record<UploadKind, string> = { [UploadKind.Pdf]: 'application/pdf', [UploadKind.Jpeg]: 'image/jpeg', [UploadKind.Png]: 'image/png' };
const EXTENSION: Record<UploadKind, string> = { [UploadKind.Pdf]: 'pdf', [UploadKind.Jpeg]: 'jpg', [UploadKind.Png]: 'png' };

/**
 * Opening a piece of evidence from the request page: a POST (a button, behind CsrfGuard, so that no
 * link prefetch or crawler reads it) that streams the file through the same audited read as the
 * API's route (EvidenceService.openForStaff: `evidence.viewed`), as a download under a name of ours.
 */
@ApiExcludeController()
@Controller('staff/requests')
export class StaffEvidenceController {
  constructor(private readonly pages: StaffPages) {}

  @Post(':id/evidence/:uploadId')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  @UseGuards(CsrfGuard)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  async open(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Param('uploadId', ParseIdPipe) uploadId: string): Promise<StreamableFile> {
    const file = await this.pages.evidenceFile(user, id, uploadId);
    return new StreamableFile(file.content, {
      type: MEDIA_TYPE[file.kind],
      disposition: `attachment; filename="evidence-${file.uploadId}.${EXTENSION[file.kind]}"`,
      length: file.content.length,
    });
  }
}
