import { RevealableField } from '../subject.types';

export class RevealedFieldDto {
  field: RevealableField;
  /** The unmasked value; null when the subject never gave one */
  value: string | null;
}
