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
