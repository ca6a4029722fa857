import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { CursorScope, PageCursors } from '../common/http/page-cursor';
import { ParseIdPipe } from '../common/http/validation';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { DisclosuresFilterDto, DisclosuresQueryDto, RecordDisclosureDto, ReviewDisclosureDto, WithholdDisclosureDto } from './dto/disclosure.dto';
import { DisclosureStats, DisclosuresPage, DisclosureView } from './dto/disclosure-view.dto';
import { DisclosureStatsQueryDto } from './dto/stats-query.dto';
import { DisclosuresService } from './disclosures.service';

/** This list's cursors: the scope keeps other lists' cursors from opening here (the MAC covers it). */
const DISCLOSURE_CURSORS: CursorScope = 'disclosures';

/**
 * The disclosure register. Staff and legal record; legal reviews (never an entry they recorded) and
 * withholds; legal and admin read the register, its export and its counts; staff read the entries
 * they recorded. A subject never sees the register (their record comes through a disclosure_log request).
 */
@ApiTags('disclosures')
@ApiBearerAuth()
@Controller('api/v1/disclosures')
export class DisclosuresController {
  constructor(
    private readonly disclosures: DisclosuresService,
    private readonly cursors: PageCursors,
  ) {}

  @Post()
  @Roles(Role.Staff, Role.Legal)
  record(@CurrentUser() user: AuthUser, @Body() dto: RecordDisclosureDto): Promise<DisclosureView> {
    return this.disclosures.record(user, dto);
  }

  @Get()
  @Roles(Role.Legal, Role.Admin)
  async list(@CurrentUser() user: AuthUser, @Query() query: DisclosuresQueryDto): Promise<DisclosuresPage> {
    // The cursor is sealed at the edge: the service reads only positions this list produced.
    const page = await this.disclosures.list(user, { ...query, cursor: this.cursors.open(DISCLOSURE_CURSORS, query.cursor) });
    return this.cursors.sealNext(DISCLOSURE_CURSORS, page);
  }

  @Get('stats')
  @Roles(Role.Legal, Role.Admin)
  stats(@Query() query: DisclosureStatsQueryDto): Promise<DisclosureStats> {
    return this.disclosures.stats(query);
  }

  @Get('export.csv')
  @Roles(Role.Legal, Role.Admin)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'the register under the filters, one line per entry, streamed', schema: { type: 'string', format: 'binary' } })
  exportCsv(@Query() query: DisclosuresFilterDto): StreamableFile {
    return new StreamableFile(Readable.from(this.disclosures.exportCsv(query)), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="disclosures.csv"',
    });
  }

  @Get(':id')
  @Roles(Role.Legal, Role.Admin, Role.Staff)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<DisclosureView> {
    return this.disclosures.get(user, id);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles(Role.Legal)
  review(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ReviewDisclosureDto): Promise<DisclosureView> {
    return this.disclosures.review(user, id, dto);
  }

  @Post(':id/withhold')
  @HttpCode(200)
  @Roles(Role.Legal)
  withhold(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: WithholdDisclosureDto): Promise<DisclosureView> {
    return this.disclosures.withhold(user, id, dto);
  }
}
