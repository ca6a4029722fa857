import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CursorScope, PageCursors } from '../common/http/page-cursor';
import { ParseIdPipe } from '../common/http/validation';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { HoldsPage, HoldView } from './dto/hold-view.dto';
import { HoldsQueryDto, PlaceHoldDto, ReleaseHoldDto } from './dto/hold.dto';
import { HoldsService } from './holds.service';

/** This list's cursors: the scope keeps the review queue's and the audit list's cursors from opening here (the MAC covers it). */
const HOLDS_CURSORS: CursorScope = 'legal-holds';

/**
 * Legal holds. Legal alone places and releases them. Legal and admin read every hold; staff read
 * the holds of a subject whose request they hold or decided, since deciding a deletion means
 * knowing what the law keeps (the rule is checked in HoldsService; any other hold answers 404).
 */
@ApiTags('legal holds')
@ApiBearerAuth()
@Controller('api/v1/legal/holds')
export class HoldsController {
  constructor(
    private readonly holds: HoldsService,
    private readonly cursors: PageCursors,
  ) {}

  @Post()
  @Roles(Role.Legal)
  place(@CurrentUser() user: AuthUser, @Body() dto: PlaceHoldDto): Promise<HoldView> {
    return this.holds.place(user, dto);
  }

  @Get()
  @Roles(Role.Legal, Role.Admin, Role.Staff)
  async list(@CurrentUser() user: AuthUser, @Query() query: HoldsQueryDto): Promise<HoldsPage> {
    // The cursor is sealed at the edge: the service reads only positions this list produced.
    const page = await this.holds.list(user, { ...query, cursor: this.cursors.open(HOLDS_CURSORS, query.cursor) });
    return this.cursors.sealNext(HOLDS_CURSORS, page);
  }

  @Get(':id')
  @Roles(Role.Legal, Role.Admin, Role.Staff)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<HoldView> {
    return this.holds.get(user, id);
  }

  @Post(':id/release')
  @HttpCode(200)
  @Roles(Role.Legal)
  release(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ReleaseHoldDto): Promise<HoldView> {
    return this.holds.release(user, id, dto);
  }
}
