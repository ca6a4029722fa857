import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Role } from '../kernel/role';
import { Roles } from '../kernel/access.decorators';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import { VerifyQueryDto } from './dto/verify-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles(Role.Legal, Role.Admin)
  list(@Query() q: AuditQueryDto) {
    return this.audit.list({ entityType: q.entity, entityId: q.entityId, subjectRef: q.subjectRef }, q.limit ?? 100, q.cursor);
  }

  @Get('verify')
  @Roles(Role.Legal, Role.Admin)
  verify(@Query() q: VerifyQueryDto) {
    return this.audit.verify(q);
  }
}
