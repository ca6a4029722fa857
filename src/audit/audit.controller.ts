import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PageCursors } from '../common/http/page-cursor';
import { Role } from '../kernel/role';
import { Roles } from '../kernel/access.decorators';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import { VerifyQueryDto } from './dto/verify-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly cursors: PageCursors,
  ) {}

  /** The cursor is sealed here, at the edge: the service pages by the event's `n` it trusts. */
  @Get()
  @Roles(Role.Legal, Role.Admin)
  async list(@Query() q: AuditQueryDto) {
    const filter = { entityType: q.entity, entityId: q.entityId, subjectRef: q.subjectRef };
    const page = await this.audit.list(filter, q.limit ?? 100, this.cursors.open('audit', q.cursor));
    return this.cursors.sealNext('audit', page);
  }

  @Get('verify')
  @Roles(Role.Legal, Role.Admin)
  verify(@Query() q: VerifyQueryDto) {
    return this.audit.verify(q);
  }
}
