import { Global, Module } from '@nestjs/common';
import { AuditSealer } from './audit-sealer';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** Global: every capability records its changes here, in its own transaction. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditSealer],
  exports: [AuditService],
})
export class AuditModule {}
