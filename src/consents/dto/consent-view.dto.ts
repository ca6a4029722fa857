import { ConsentState } from '../consent.types';

/** The clause a consent is given or withdrawn under, in the policy's own (Chinese) words. */
export class ConsentClauseDto {
  /** e.g. `face.collect.1` */
  id: string;
  text: string;
}

/** One purpose of the consent ledger as the subject sees it. */
export class ConsentViewDto {
  /** A fixed purpose (`face_basic`, …) or `new_purpose:<name>` */
  purpose: string;
  state: ConsentState;
  /** When the state last changed (ISO-8601); null while `never` */
  changedAt: string | null;
  clause: ConsentClauseDto;
}
