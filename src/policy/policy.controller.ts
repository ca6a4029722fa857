import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { CurrentUser, Public, Roles } from '../kernel/access.decorators';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { ClauseParamDto, ClauseQueryDto, ClauseStandingView, PublishPolicyDto, VersionParamDto } from './dto/policy.dto';
import { PolicyPublisher } from './policy-publisher';
import { PolicyService } from './policy.service';
import { toPolicyView } from './policy.view';

/** A policy is public: anyone may read every version and every clause. */
@ApiTags('policy')
@Controller('api/v1/policy')
export class PolicyController {
  constructor(
    private readonly policy: PolicyService,
    private readonly publisher: PolicyPublisher,
  ) {}

  @Get()
  @Public()
  async current() {
    return toPolicyView(await this.policy.current());
  }

  @Get('versions')
  @Public()
  versions() {
    return this.policy.listVersions();
  }

  @Get('versions/:version')
  @Public()
  async version(@Param() p: VersionParamDto) {
    return toPolicyView(await this.policy.get(p.version));
  }

  /** Every clause of a version (default: the one in force) with its standing: mechanism, rule, informational or superseded_by_law. */
  @Get('coverage')
  @Public()
  @ApiOkResponse({ type: [ClauseStandingView] })
  coverage(@Query() q: ClauseQueryDto): Promise<ClauseStandingView[]> {
    return this.policy.coverage(q.version);
  }

  @Get('clauses/:id')
  @Public()
  clause(@Param() p: ClauseParamDto, @Query() q: ClauseQueryDto) {
    return this.policy.clause(p.id, q.version);
  }

  /** Lists what a draft would change and which open requests and past decisions cite those clauses. */
  @Post('impact')
  @HttpCode(200)
  @Roles(Role.Admin)
  @ApiBearerAuth()
  impact(@Body() dto: PublishPolicyDto) {
    return this.publisher.impact(dto);
  }

  @Post('versions')
  @Roles(Role.Admin)
  @ApiBearerAuth()
  publish(@CurrentUser() admin: AuthUser, @Body() dto: PublishPolicyDto) {
    return this.publisher.publish(dto, actorOf(admin));
  }
}
