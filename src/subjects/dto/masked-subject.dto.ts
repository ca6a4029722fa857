/** A data subject as staff screens show them: personal information masked (policy face.use.5). */
export class MaskedSubjectDto {
  id: string;
  /** the pseudonymous reference audit events name the subject by */
  subjectRef: string;
  /** e.g. `张*` */
  displayName: string | null;
  /** e.g. `z***@example.com` */
  email: string | null;
  /** e.g. `138****1234` */
  phone: string | null;
  locale: string;
  createdAt: string;
}
