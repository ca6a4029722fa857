import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { ParseIdPipe } from '../common/http/validation';
import { NoFieldsPipe } from '../common/http/no-fields.pipe';
import { PageCursors } from '../common/http/page-cursor';
import { NULLABLE_VIEW_MODELS, StaffRequestView } from '../requests';
import { MaskedSubjectDto } from '../subjects/dto/masked-subject.dto';
import { AskDto, AssignDto, DecisionDto, ExtendDto, NameRepresentedDto, TakeDto } from './dto/decision.dto';
import { QueueQueryDto } from './dto/queue-query.dto';
import { QueuePage, StaffRequestPage, ExportFailureDto, ExportStatusDto, RepresentedAccountView } from './dto/review-view.dto';
import { ReviewService } from './review.service';

/** The review queue and the staff workflow on one request. Appeals are legal's alone. */
@ApiTags('review')
@ApiBearerAuth()
@ApiExtraModels(...NULLABLE_VIEW_MODELS, MaskedSubjectDto, ExportStatusDto, ExportFailureDto, RepresentedAccountView)
@Controller('api/v1/staff/requests')
export class ReviewController {
  constructor(
    private readonly review: ReviewService,
    private readonly cursors: PageCursors,
  ) {}

  @Get()
  @Roles(Role.Staff, Role.Legal)
  async queue(@CurrentUser() user: AuthUser, @Query() query: QueueQueryDto): Promise<QueuePage> {
    // The cursor is sealed at the edge: the service reads only positions this queue produced.
    const page = await this.review.queue(user, { ...query, cursor: this.cursors.open('review-queue', query.cursor) });
    return this.cursors.sealNext('review-queue', page);
  }

  @Get(':id')
  @Roles(Role.Staff, Role.Legal)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<StaffRequestPage> {
    return this.review.get(user, id);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  claim(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body(NoFieldsPipe) _body: unknown): Promise<StaffRequestView> {
    return this.review.claim(user, id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  assign(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: AssignDto): Promise<StaffRequestView> {
    return this.review.assign(user, id, dto);
  }

  @Post(':id/take')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  take(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: TakeDto): Promise<StaffRequestView> {
    return this.review.take(user, id, dto);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  decide(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: DecisionDto): Promise<StaffRequestView> {
    return this.review.decide(user, id, dto);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  extend(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ExtendDto): Promise<StaffRequestView> {
    return this.review.extend(user, id, dto);
  }

  @Post(':id/ask')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  ask(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: AskDto): Promise<StaffRequestView> {
    return this.review.ask(user, id, dto);
  }

  /** Runs the fulfilment of a request stuck in `fulfilling` again (a failed step: the staff page says which); what is done is not redone. */
  @Post(':id/retry')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  retry(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body(NoFieldsPipe) _body: unknown): Promise<StaffRequestView> {
    return this.review.retry(user, id);
  }

  /** For a request filed on someone's behalf: the represented person's app account, as identified from the evidence. */
  @Post(':id/represented-account')
  @HttpCode(200)
  @Roles(Role.Staff, Role.Legal)
  nameRepresented(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: NameRepresentedDto): Promise<StaffRequestPage> {
    return this.review.nameRepresented(user, id, dto);
  }

  @Post(':id/appeal/decision')
  @HttpCode(200)
  @Roles(Role.Legal)
  decideAppeal(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: DecisionDto): Promise<StaffRequestView> {
    return this.review.decideAppeal(user, id, dto);
  }
}
