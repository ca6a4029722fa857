/** A data subject as staff screens show them: personal information masked (policy face.use.5). */
export interface MaskedSubject {
  id: string;
  subjectRef: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  locale: string;
  createdAt: string;
}

/** The fields a staff member may reveal, one at a time, with a reason. */
export enum RevealableField {
  Email = 'email',
  Phone = 'phone',
  DisplayName = 'displayName',
}

export interface RevealedField {
  field: RevealableField;
  value: string | null;
}
