import { Role } from './role';

/** Who is asking, as every service receives it. */
export interface AuthUser {
  id: string;
  role: Role;
  subjectRef: string;
  sessionId: string;
  /** A privileged account that must still enrol a second factor may only reach the enrolment routes. */
  mfaEnrolmentPending: boolean;
}
