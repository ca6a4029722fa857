export enum Role {
  Subject = 'subject',
  Staff = 'staff',
  Legal = 'legal',
  Admin = 'admin',
}

export const ALL_ROLES = Object.values(Role);
/** Roles that act on other people's data and so may be required to use a second factor. */
export const PRIVILEGED_ROLES: readonly Role[] = [Role.Staff, Role.Legal, Role.Admin];
