// The door to the law catalogue: what other capabilities may use.
export { LawModule } from './law.module';
export { LawService, LawErrorCode } from './law.service';
export type { CitedProvision } from './law.service';
export { LAW_ID_HINT, LAW_ID_MAX_LENGTH, LAW_ID_PATTERN } from './law-catalogue';
export { LawIds } from './dto/law-ids.decorator';
