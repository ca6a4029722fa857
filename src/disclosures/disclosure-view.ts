import { iso } from '../common/time/iso';
import { RecipientKind } from '../policy/domain/policy.types';
import { countsAsMade, DisclosureStatus } from './domain/disclosure.types';
import type { DisclosureView } from './dto/disclosure-view.dto';
import type { DisclosureRow } from './disclosures.repository';

export function statusOfRow(row: Pick<DisclosureRow, 'reviewOutcome' | 'recipientKind'>): { status: DisclosureStatus; made: boolean } {
  const status = (row.reviewOutcome as DisclosureStatus | null) ?? DisclosureStatus.PendingReview;
  return { status, made: countsAsMade(row.recipientKind as RecipientKind, status) };
}

/** An entry as legal (and the staff member who recorded it) reads it. */
export function disclosureView(row: DisclosureRow): DisclosureView {
  const { status, made } = statusOfRow(row);
  return {
    id: row.id,
    status,
    countsAsMade: made,
    subjectIds: row.subjectIds,
    recipient: { name: row.recipientName, kind: row.recipientKind as RecipientKind, country: row.recipientCountry, contact: row.recipientContact },
    basis: row.basis,
    law: row.law,
    dataCategories: row.categories,
    purpose: row.purpose,
    reference: row.reference,
    emergency: row.emergency,
    consentPurpose: row.consentPurpose,
    agreementRef: row.agreementRef,
    transferMechanism: row.transferMechanism,
    transferRef: row.transferRef,
    impactAssessmentRef: row.impactAssessmentRef,
    prcApprovalRef: row.prcApprovalRef,
    disclosedAt: iso(row.firstDisclosedAt),
    lastDisclosedAt: iso(row.lastDisclosedAt),
    frequency: row.frequency,
    policyVersion: row.policyVersion,
    corrects: row.corrects,
    correctionReason: row.correctionReason,
    correctedBy: row.correctedBy,
    recordedBy: row.recordedBy,
    recordedAt: iso(row.recordedAt),
    review: row.reviewOutcome ? { outcome: row.reviewOutcome, note: row.reviewNote!, reviewedBy: row.reviewedBy!, reviewedAt: iso(row.reviewedAt!) } : null,
    withheldUntil: row.withheldUntil ? iso(row.withheldUntil) : null,
    contentHash: row.contentHash,
  };
}
