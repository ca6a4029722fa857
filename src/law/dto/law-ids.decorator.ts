import { ArrayMaxSize, ArrayUnique, IsArray, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { LAW_ID_HINT, LAW_ID_MAX_LENGTH, LAW_ID_PATTERN } from '../law-catalogue';

/**
 * An optional list of provision ids of the law catalogue (`GET /api/v1/law`), e.g. `PIPL.47`, as a
 * decision, an extension or a legal hold cites them. The catalogue itself checks that they exist.
 * Absent, or a list: an explicit null is refused (400) like any other non-list.
 */
export function LawIds(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((o: Record<string | symbol, unknown>) => o[key] !== undefined)(target, key);
    IsArray()(target, key);
    ArrayMaxSize(20)(target, key);
    ArrayUnique()(target, key);
    IsString({ each: true })(target, key);
    MaxLength(LAW_ID_MAX_LENGTH, { each: true })(target, key);
    Matches(LAW_ID_PATTERN, { each: true, message: `each value in ${String(key)} must be ${LAW_ID_HINT}` })(target, key);
  };
}
