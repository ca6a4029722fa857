import { ApiProperty } from '@nestjs/swagger';
import { DataCategory } from '../domain/policy.types';

/** A text in the authoritative Chinese and in English. */
export class LocalisedTextView {
  @ApiProperty({ name: 'zh-CN' })
  'zh-CN': string;
  en: string;
}

export class CorrectableFieldView {
  /** how a correction request names the field, e.g. `display_name` */
  id: string;
  label: LocalisedTextView;
}

/** One category of personal information (GET /api/v1/data-categories). */
export class DataCategoryView {
  @ApiProperty({ enum: DataCategory })
  id: DataCategory;
  /** the clauses of the policy version in force the category is held under */
  clauses: string[];
  label: LocalisedTextView;
  /** the fields a subject may ask to correct (PIPL Art. 46); empty when none can be */
  correctableFields: CorrectableFieldView[];
  /** present when no field can be corrected: why, and what the subject can do instead */
  correctionNote?: LocalisedTextView;
}
