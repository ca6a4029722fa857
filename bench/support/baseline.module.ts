import { Body, Controller, Injectable, Module, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsIn } from 'class-validator';
import { DataSource } from 'typeorm';
import { Role } from '../../src/kernel/role';
import { CurrentUser, Roles } from '../../src/kernel/access.decorators';
import type { AuthUser } from '../../src/kernel/auth-user';

/**
 * The intake benchmark's yardstick: the same stack as filing a request (helmet, body parsing, the
 * global access guard with its session lookup, the global ValidationPipe, the exception filter,
 * the connection pool) around the least a write can do: one INSERT. It exists only in the bench's
 * root module, never in the product, and writes to a table the bench creates.
 */
export const BASELINE_TABLE_DDL = `
  CREATE TABLE IF NOT EXISTS bench_baseline (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subject_id uuid NOT NULL,
    type text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;

export const BASELINE_PATH = '/bench/baseline';

class BaselineEntryDto {
  @IsIn(['access', 'disclosure_log'])
  type: string;
}

@Injectable()
class BaselineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(subjectId: string, type: string): Promise<{ id: string; createdAt: Date }> {
    const [row] = await this.dataSource.query(`INSERT INTO bench_baseline (subject_id, type) VALUES ($1, $2) RETURNING id, created_at AS "createdAt"`, [
      subjectId,
      type,
    ]);
    return row;
  }
}

@Injectable()
class BaselineService {
  constructor(private readonly repo: BaselineRepository) {}

  file(user: AuthUser, dto: BaselineEntryDto) {
    return this.repo.insert(user.id, dto.type);
  }
}

@Controller(BASELINE_PATH.slice(1))
class BaselineController {
  constructor(private readonly service: BaselineService) {}

  @Post()
  @Roles(Role.Subject)
  file(@CurrentUser() user: AuthUser, @Body() dto: BaselineEntryDto) {
    return this.service.file(user, dto);
  }
}

@Module({
  controllers: [BaselineController],
  providers: [BaselineRepository, BaselineService],
})
export class BaselineModule {}
