import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../common/http/validation';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { EvidenceFile, EvidenceService } from './evidence.service';
import { EXTENSION_OF, MEDIA_TYPE_OF, UPLOAD_KINDS } from './upload-kind';

/**
 * A file as a download, never as a page: the type its content was found to be, saved under a name
 * of ours (the subject's own name for it was never kept), and not kept by any cache.
 */
function asDownload(file: EvidenceFile): StreamableFile {
  return new StreamableFile(file.content, {
    type: MEDIA_TYPE_OF[file.kind],
    disposition: `attachment; filename="evidence-${file.uploadId}.${EXTENSION_OF[file.kind]}"`,
    length: file.content.length,
  });
}

/** The evidence a request carries, for the staff and legal reviewers who decide it. Every read is audited. */
@ApiTags('evidence')
@ApiBearerAuth()
@Controller('api/v1/staff/requests/:id/evidence')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Get(':uploadId')
  @Roles(Role.Staff, Role.Legal)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  @ApiProduces(...UPLOAD_KINDS.map((kind) => MEDIA_TYPE_OF[kind]))
  @ApiOkResponse({ description: 'the file, as an attachment named `evidence-<uploadId>.<pdf|jpg|png>`', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: '`evidence_not_found`: no such request, or no such upload attached to it' })
  @ApiGoneResponse({ description: '`evidence_deleted`: the content was erased at the end of its retention period' })
  async read(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string, @Param('uploadId', ParseIdPipe) uploadId: string): Promise<StreamableFile> {
    return asDownload(await this.evidence.openForStaff(user, id, uploadId));
  }
}
