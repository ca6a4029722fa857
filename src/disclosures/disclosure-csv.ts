import { csvField } from '../common/text/csv';
import type { DisclosureRow } from './disclosures.repository';
import { statusOfRow } from './disclosure-view';

/** The export's columns, in order; one line per entry. Lists inside a cell are separated by spaces. */
export const CSV_COLUMNS = [
  'id',
  'status',
  'counts_as_made',
  'recipient_kind',
  'recipient_name',
  'recipient_country',
  'recipient_contact',
  'subject_ids',
  'basis',
  'law',
  'data_categories',
  'purpose',
  'reference',
  'first_disclosed_at',
  'last_disclosed_at',
  'frequency',
  'policy_version',
  'recorded_by',
  'recorded_at',
  'reviewed_by',
  'reviewed_at',
  'review_note',
  'corrects',
  'corrected_by',
  'withheld_until',
  'content_hash',
] as const;

/** The header line, with a byte-order mark so that spreadsheet programs read the Chinese text as UTF-8. */
export const CSV_HEADER = `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;

export function csvLine(row: DisclosureRow): string {
  const { status, made } = statusOfRow(row);
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  const cells: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
    id: row.id,
    status,
    counts_as_made: made,
    recipient_kind: row.recipientKind,
    recipient_name: row.recipientName,
    recipient_country: row.recipientCountry,
    recipient_contact: row.recipientContact,
    subject_ids: row.subjectIds.join(' '),
    basis: row.basis.join(' '),
    law: row.law.join(' '),
    data_categories: row.categories.join(' '),
    purpose: row.purpose,
    reference: row.reference,
    first_disclosed_at: iso(row.firstDisclosedAt),
    last_disclosed_at: iso(row.lastDisclosedAt),
    frequency: row.frequency,
    policy_version: row.policyVersion,
    recorded_by: row.recordedBy,
    recorded_at: iso(row.recordedAt),
    reviewed_by: row.reviewedBy,
    reviewed_at: iso(row.reviewedAt),
    review_note: row.reviewNote,
    corrects: row.corrects,
    corrected_by: row.correctedBy,
    withheld_until: iso(row.withheldUntil),
    content_hash: row.contentHash,
  };
  return `${CSV_COLUMNS.map((column) => csvField(cells[column])).join(',')}\r\n`;
}
