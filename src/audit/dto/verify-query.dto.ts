import { Matches, ValidateIf } from 'class-validator';
import { IsWholeNumber } from '../../common/http/validation';

/**
 * An anchor recorded outside the database from an earlier verification (`events` and `head`):
 * give both or neither.
 */
export class VerifyQueryDto {
  @ValidateIf((o: VerifyQueryDto) => o.seq !== undefined || o.head !== undefined)
  @IsWholeNumber(1, Number.MAX_SAFE_INTEGER)
  seq?: number;

  @ValidateIf((o: VerifyQueryDto) => o.seq !== undefined || o.head !== undefined)
  @Matches(/^[0-9a-f]{64}$/, { message: 'head must be the 64-character hex head of an earlier verification' })
  head?: string;
}
