// Every migration, in order. Listed explicitly (not globbed) so that the app, the CLI and the
// tests load exactly the same set whether they run from TypeScript sources or compiled output.
import { Foundation1764403200000 } from './1764403200000-foundation';
import { Notifications1764403300000 } from './1764403300000-notifications';
import { Policy1764403400000 } from './1764403400000-policy';
import { Consents1764403450000 } from './1764403450000-consents';
import { Requests1764403500000 } from './1764403500000-requests';
import { MfaReplay1764403600000 } from './1764403600000-mfa-replay';
import { SignInProtection1764403700000 } from './1764403700000-sign-in-protection';
import { SharedThrottle1764403800000 } from './1764403800000-shared-throttle';
import { LawBesideThePolicy1764600000000 } from './1764600000000-law-beside-the-policy';
import { LegalReviewStatuses1764610000000 } from './1764610000000-legal-review-statuses';
import { OpenStatuses1764610000001 } from './1764610000001-open-statuses';
import { LegalHolds1764620000000 } from './1764620000000-legal-holds';
import { ScheduledErasures1764640000000 } from './1764640000000-scheduled-erasures';
import { QuestionClock1764660000000 } from './1764660000000-question-clock';
import { AuditChainSealingOrder1764670000000 } from './1764670000000-audit-chain-sealing-order';
import { EvidenceUploads1764680000000 } from './1764680000000-evidence-uploads';
import { RightsForEveryone1764690000000 } from './1764690000000-rights-for-everyone';
import { Exports1764710000000 } from './1764710000000-exports';
import { RequestErasures1764720000000 } from './1764720000000-request-erasures';
import { CorrectionSteps1764730000000 } from './1764730000000-correction-steps';
import { DisclosureRepeatSpan1764810000000 } from './1764810000000-disclosure-repeat-span';
import { DisclosureRepeatedEntries1764823000000 } from './1764823000000-disclosure-repeated-entries';
import { RepresentedAccounts1764800000000 } from './1764800000000-represented-accounts';
import { RecipientNotices1764790000000 } from './1764790000000-recipient-notices';
import { EndOfService1764780000000 } from './1764780000000-end-of-service';
import { FulfilmentFailures1764770000000 } from './1764770000000-fulfilment-failures';
import { AccountClosure1764760000000 } from './1764760000000-account-closure';
import { IdentityLinks1764700000000 } from './1764700000000-identity-links';
import { DisclosureRegister1764740000000 } from './1764740000000-disclosure-register';
import { ManualSteps1764750000000 } from './1764750000000-manual-steps';
import { ExportPartsStorage1764910000000 } from './1764910000000-export-parts-storage';

export const MIGRATIONS = [
  Foundation1764403200000,
  Notifications1764403300000,
  Policy1764403400000,
  Consents1764403450000,
  Requests1764403500000,
  MfaReplay1764403600000,
  SignInProtection1764403700000,
  SharedThrottle1764403800000,
  LawBesideThePolicy1764600000000,
  LegalReviewStatuses1764610000000,
  OpenStatuses1764610000001,
  LegalHolds1764620000000,
  ScheduledErasures1764640000000,
  QuestionClock1764660000000,
  AuditChainSealingOrder1764670000000,
  EvidenceUploads1764680000000,
  RightsForEveryone1764690000000,
  IdentityLinks1764700000000,
  Exports1764710000000,
  RequestErasures1764720000000,
  CorrectionSteps1764730000000,
  DisclosureRegister1764740000000,
  ManualSteps1764750000000,
  AccountClosure1764760000000,
  FulfilmentFailures1764770000000,
  EndOfService1764780000000,
  RecipientNotices1764790000000,
  RepresentedAccounts1764800000000,
  DisclosureRepeatSpan1764810000000,
  DisclosureRepeatedEntries1764823000000,
  ExportPartsStorage1764910000000,
];
