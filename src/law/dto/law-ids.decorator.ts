import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { LAW_ID_HINT, LAW_ID_MAX_LENGTH, LAW_ID_PATTERN } from '../law-catalogue';

/**
 * An optional list of provision ids of the law catalogue (`GET /api/v1/law`), e.g. `PIPL.47`, as a
 * decision, an extension or a legal hold cites them. The catalogue itself checks that they exist.
 */
export function LawIds(): PropertyDecorator {
  return (target, key) => {
    IsOptional()(target, key);
    IsArray()(target, key);
    ArrayMaxSize(20)(target, key);
    ArrayUnique()(target, key);
    IsString({ each: true })(target, key);
    MaxLength(LAW_ID_MAX_LENGTH, { each: true })(target, key);
    Matches(LAW_ID_PATTERN, { each: true, message: `each value in ${String(key)} must be ${LAW_ID_HINT}` })(target, key);
  };
}
