import { Controller, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../kernel/access.decorators';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { EvidenceRef } from './dto/evidence.dto';
import { EvidenceFileInterceptor, FILE_FIELD, type ReceivedFile } from './evidence-file.interceptor';
import { EvidenceService, MAX_WAITING_UPLOADS } from './evidence.service';
import { MAX_UPLOAD_BYTES } from './upload-kind';

/**
 * A subject's evidence for a request they are about to file on someone's behalf: the file goes up
 * first, and its id goes in the filing. The one route of the API that takes multipart/form-data.
 */
@ApiTags('evidence')
@ApiBearerAuth()
@Controller('api/v1/uploads')
export class UploadsController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post()
  @Roles(Role.Subject)
  @UseInterceptors(EvidenceFileInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: `One part named "${FILE_FIELD}" and nothing else: a PDF, JPEG or PNG of at most ${MAX_UPLOAD_BYTES} bytes. What it is comes from its content, never its name.`,
    schema: {
      type: 'object',
      required: [FILE_FIELD],
      additionalProperties: false,
      properties: { [FILE_FIELD]: { type: 'string', format: 'binary' } },
    },
  })
  @ApiCreatedResponse({ type: EvidenceRef, description: 'stored, waiting to be filed with a request (removed after a day otherwise)' })
  @ApiBadRequestResponse({
    description:
      '`file_required` (no file), `empty_upload`, or `invalid_upload` (another field, a second file, a part of another name, a body multipart cannot read)',
  })
  @ApiConflictResponse({ description: `\`too_many_uploads\`: ${MAX_WAITING_UPLOADS} uploads already wait to be filed with a request` })
  @ApiPayloadTooLargeResponse({ description: `\`upload_too_large\`: over ${MAX_UPLOAD_BYTES} bytes` })
  @ApiUnsupportedMediaTypeResponse({
    description:
      '`unsupported_upload`: the content is not a PDF, a JPEG or a PNG; `upload_type_mismatch`: the part was declared one of those and is another; `unsupported_media_type`: the body is not multipart/form-data',
  })
  upload(@CurrentUser() user: AuthUser, @UploadedFile() file?: ReceivedFile): Promise<EvidenceRef> {
    return this.evidence.upload(user, file);
  }
}
