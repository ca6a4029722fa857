import { Body, Controller, Get, HttpCode, Param, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { StepUpThrottlerGuard } from '../auth/step-up-throttler.guard';
import { ClientAddress, CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { ParseIdPipe } from '../common/http/validation';
import { NEW_REQUEST_BODIES, type NewRequestDto } from './dto/new-request.dto';
import { NoFieldsPipe } from '../common/http/no-fields.pipe';
import { IdempotencyKey, NewRequestPipe } from './dto/request-body.pipes';
import { NULLABLE_VIEW_MODELS, RequestSummary, RequestView } from './dto/request-view.dto';
import { AppealDto, ReplyDto } from './dto/subject-actions.dto';
import { RequestsService } from './requests.service';
import { SubmissionStatusInterceptor } from './submission-status.interceptor';

/** The subject's own requests. Anyone else's answer 404, never 403. */
@ApiTags('requests')
@ApiBearerAuth()
@ApiExtraModels(...Object.values(NEW_REQUEST_BODIES), ...NULLABLE_VIEW_MODELS)
@Controller('api/v1/requests')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post()
  @Roles(Role.Subject)
  @UseGuards(StepUpThrottlerGuard)
  @UseInterceptors(SubmissionStatusInterceptor)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key and body return the same request (200) instead of a second one' })
  @ApiBody({
    schema: {
      oneOf: Object.values(NEW_REQUEST_BODIES).map((dto) => ({ $ref: getSchemaPath(dto) })),
      discriminator: { propertyName: 'type' },
    },
  })
  @ApiCreatedResponse({ type: RequestView, description: 'filed' })
  @ApiOkResponse({ type: RequestView, description: 'filed before with this Idempotency-Key and body: the same request' })
  submit(@CurrentUser() user: AuthUser, @Body(NewRequestPipe) dto: NewRequestDto, @ClientAddress() client: string, @IdempotencyKey() key?: string) {
    return this.requests.submit(user, dto, key, client);
  }

  @Get()
  @Roles(Role.Subject)
  list(@CurrentUser() user: AuthUser): Promise<RequestSummary[]> {
    return this.requests.list(user);
  }

  @Get(':id')
  @Roles(Role.Subject)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<RequestView> {
    return this.requests.get(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(Role.Subject)
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body(NoFieldsPipe) _body: unknown): Promise<RequestView> {
    return this.requests.cancel(user, id);
  }

  @Post(':id/reply')
  @HttpCode(200)
  @Roles(Role.Subject)
  reply(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: ReplyDto): Promise<RequestView> {
    return this.requests.reply(user, id, dto);
  }

  @Post(':id/appeal')
  @HttpCode(200)
  @Roles(Role.Subject)
  appeal(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Body() dto: AppealDto): Promise<RequestView> {
    return this.requests.appeal(user, id, dto);
  }
}
