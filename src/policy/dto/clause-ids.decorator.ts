import { ArrayMaxSize, ArrayUnique, IsArray, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CLAUSE_ID_HINT, CLAUSE_ID_MAX_LENGTH, CLAUSE_ID_PATTERN } from '../domain/policy.types';

/**
 * A list of clause ids (e.g. `face.retain.2`) as a decision, an extension or a legal hold cites them;
 * it may be empty where a provision of law alone carries what is cited. The policy version checks
 * that they exist.
 */
export function ClauseIds(opts: { optional?: boolean } = {}): PropertyDecorator {
  return (target, key) => {
    // Optional means absent, or a list: an explicit null is refused like any other non-list.
    if (opts.optional) ValidateIf((o: Record<string | symbol, unknown>) => o[key] !== undefined)(target, key);
    IsArray()(target, key);
    ArrayMaxSize(20)(target, key);
    ArrayUnique()(target, key);
    IsString({ each: true })(target, key);
    MaxLength(CLAUSE_ID_MAX_LENGTH, { each: true })(target, key);
    Matches(CLAUSE_ID_PATTERN, { each: true, message: `each value in ${String(key)} must be ${CLAUSE_ID_HINT}` })(target, key);
  };
}
