import { Module } from '@nestjs/common';
import { EvidenceController } from './evidence.controller';
import { EvidenceRepository } from './evidence.repository';
import { EvidenceRetention } from './evidence-retention';
import { EvidenceService } from './evidence.service';
import { UploadsController } from './uploads.controller';

/**
 * Evidence uploads: the subject's upload, the staff's download, the retention sweep. Exports the
 * service the requests capability attaches evidence through when it files a request. Audit, jobs
 * and settings come from their global modules.
 */
@Module({
  controllers: [UploadsController, EvidenceController],
  providers: [EvidenceRepository, EvidenceService, EvidenceRetention],
  exports: [EvidenceService],
})
export class EvidenceModule {}
