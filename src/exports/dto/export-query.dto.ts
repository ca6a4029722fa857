import { IsIn, IsOptional } from 'class-validator';
import { DATA_CATEGORIES, DataCategory } from '../../policy/domain/policy.types';

export const EXPORT_FORMATS = ['json', 'html', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportQueryDto {
  /** `json` (default: every category in one document), `html` (to read, in Chinese and English) or `csv` (a copy_transfer asked for CSV: one category per file) */
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  /** with `format=csv`: the category */
  @IsOptional()
  @IsIn(DATA_CATEGORIES)
  category?: DataCategory;
}
