import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppError, ErrorKind } from '../common/errors/app-error';

/** What `GET /health` checks: that the database answers a ping within 1.5 s. */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
    } catch (err) {
      // In the API's one error body shape, keeping the probe's verdict but not the driver's
      // message (which names hosts and ports) on this public route.
      if (err instanceof ServiceUnavailableException)
        throw new AppError(ErrorKind.Unavailable, 'database_unavailable', 'The database does not answer', {
          status: 'error',
          details: { database: { status: 'down' } },
        });
      throw err;
    }
  }
}
