// The door of the exports capability: review starts a copy when it approves a request; the job and
// the download stay inside.
export { ExportsModule } from './exports.module';
export { ExportsService } from './exports.service';
export { ExportQueryDto } from './dto/export-query.dto';
export type { DisclosureRecordDocument } from './disclosure-record.job';
export type { ExportStatusView } from './exports.service';
export { EXPORT_JOB, ExportJob } from './export.job';
