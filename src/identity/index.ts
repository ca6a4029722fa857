// The door of the identity capability: a subject's verified link to the app's account. GET
// /api/v1/me shows it (IdentityService.statusOf); a request that copies or erases the app's data
// asks IdentityService.linkOf and, without a link, refuses with identityNotVerified().
export { IdentityModule } from './identity.module';
export { IdentityService } from './identity.service';
export type { IdentityLink } from './identity.service';
export { ConfirmLinkDto, IdentityStatus, LinkDto } from './dto/identity.dto';
export { IdentityErrorCode, identityNotVerified } from './identity.errors';
export type { AppDirectory, AppUserContact } from './app-directory';
export type { LinkChannel } from './link-rules';
