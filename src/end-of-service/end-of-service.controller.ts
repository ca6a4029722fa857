import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { CancelEndDto, EndOfServiceView, EndProgressView, EndScheduleView, ScheduleEndDto } from './dto/end-of-service.dto';
import { EndOfService } from './end-of-service.service';

/** End of service (face.retain.3): administrators schedule it, call it off before it starts, and follow the erasure. */
@ApiTags('end of service')
@ApiBearerAuth()
@ApiExtraModels(EndScheduleView, EndProgressView)
@Controller('api/v1/admin/end-of-service')
export class EndOfServiceController {
  constructor(private readonly end: EndOfService) {}

  @Get()
  @Roles(Role.Admin)
  status(): Promise<EndOfServiceView> {
    return this.end.status();
  }

  /** Every subject is notified at once; on the date every subject's data is erased. */
  @Post()
  @Roles(Role.Admin)
  schedule(@CurrentUser() admin: AuthUser, @Body() dto: ScheduleEndDto): Promise<EndOfServiceView> {
    return this.end.schedule(admin, dto);
  }

  @Post('cancel')
  @HttpCode(200)
  @Roles(Role.Admin)
  cancel(@CurrentUser() admin: AuthUser, @Body() dto: CancelEndDto): Promise<EndOfServiceView> {
    return this.end.cancel(admin, dto);
  }
}
