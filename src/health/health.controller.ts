import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { Public } from '../kernel/access.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 `{ status: 'ok' }` while the database answers within 1.5 s; 503 `database_unavailable` otherwise. */
  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check();
  }
}
