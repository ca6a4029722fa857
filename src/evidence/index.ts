// The door of the evidence capability: everything another folder may use of it. The requests
// capability attaches a subject's uploads to the request it files (EvidenceService.attach, in the
// filing's transaction) and lists them (forRequest); uploads and downloads are this folder's routes.
export { EvidenceModule } from './evidence.module';
export { EvidenceService, MAX_WAITING_UPLOADS } from './evidence.service';
export { EvidenceRef, EvidenceView } from './dto/evidence.dto';
export { EvidenceErrorCode, uploadNotFound } from './evidence.errors';
export { UploadKind, MAX_UPLOAD_BYTES } from './upload-kind';
