import { Matches, MaxLength } from 'class-validator';
import { LAW_ID_HINT, LAW_ID_MAX_LENGTH, LAW_ID_PATTERN } from '../law-catalogue';

export class ProvisionParamDto {
  /** a provision id such as PIPL.47 or GBT35273.8.7 */
  @Matches(LAW_ID_PATTERN, { message: `id must be ${LAW_ID_HINT}` })
  @MaxLength(LAW_ID_MAX_LENGTH)
  id: string;
}

export class InstrumentView {
  /** PIPL, ECL, GBT35273, … */
  id: string;
  /** the title as promulgated (Chinese, authoritative) */
  title: string;
  titleEn: string;
  /** when the text cited came into force (YYYY-MM-DD) */
  effective: string;
  source?: string;
}

export class ProvisionView {
  /** PIPL.47 */
  id: string;
  instrument: InstrumentView;
  /** how the instrument numbers it: 第四十七条, or 8.7 */
  article: string;
  /** as published (Chinese, authoritative) */
  text: string;
  /** English, for orientation only */
  gloss: string;
}
