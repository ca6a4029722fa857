import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { ParseIdPipe } from '../common/http/validation';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { ExportQueryDto } from './dto/export-query.dto';
import { ExportsService } from './exports.service';

/** The copy an approved access or copy_transfer request made, for its subject only (anyone else: 404). */
@ApiTags('requests')
@ApiBearerAuth()
@Controller('api/v1/requests/:id/export')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get()
  @Roles(Role.Subject)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiProduces('application/json', 'text/html', 'text/csv')
  @ApiOkResponse({ description: 'the copy, as an attachment: streamed from its stored parts', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: '`export_not_found`: not your request, or no copy ready' })
  @ApiGoneResponse({ description: '`export_expired`: kept for EXPORT_DAYS days, then deleted' })
  async download(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Query() query: ExportQueryDto): Promise<StreamableFile> {
    const found = await this.exports.download(user, id, query.format ?? 'json', query.category);
    return new StreamableFile(Readable.from(found.parts), { type: found.mediaType, disposition: `attachment; filename="request-${id}-${found.file}"` });
  }
}
