import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { iso } from '../common/time/iso';
import { CitedProvision, LawService } from '../law';
import { DataCategory, RecipientKind } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import type { CitedClause } from '../policy/policy-version';
import { statusOfRow } from './disclosure-view';
import { DisclosureStatus } from './domain/disclosure.types';
import { DisclosuresRepository } from './disclosures.repository';

export interface DisclosureRecipient {
  name: string;
  kind: RecipientKind;
  /** ISO 3166-1 alpha-2 */
  country: string;
  contact: string | null;
}

/** One entry of a subject's record, with the texts of what it cites. */
export interface SubjectDisclosureEntry {
  id: string;
  recipient: DisclosureRecipient;
  /** the basis clauses, with their text in the policy version the entry was recorded under */
  clauses: CitedClause[];
  /** the provisions cited, with their text */
  law: CitedProvision[];
  categories: DataCategory[];
  purpose: string;
  /** the (first) disclosure, ISO-8601 */
  firstDisclosedAt: string;
  /** the last (equal to firstDisclosedAt for a single disclosure) */
  lastDisclosedAt: string;
  frequency: string | null;
  status: DisclosureStatus;
  /** an authority's disclosure counts as made only once confirmed */
  countsAsMade: boolean;
  /** withheld from the subject now (a withholding in force): count it, do not detail it */
  withheld: boolean;
  withheldUntil: string | null;
}

/** A recipient of a subject's information, with the entries that show it (for erasure notices). */
export interface SubjectRecipient extends DisclosureRecipient {
  entryIds: string[];
  categories: DataCategory[];
  lastDisclosedAt: string;
}

/**
 * The register's read port for the rest of the system: what was disclosed about one subject, and to
 * whom. For a subject's `disclosure_log` request (which must count, not detail, the withheld
 * entries) and for the recipient notices when an erasure completes. Only current entries: one a
 * correction replaced is left out (its correction stands in its place).
 */
@Injectable()
export class DisclosureRegister {
  constructor(
    private readonly repo: DisclosuresRepository,
    private readonly policy: PolicyService,
    private readonly law: LawService,
  ) {}

  /** The subject's entries, newest disclosure first, every one of them (made or not, withheld or not: see the flags). */
  async entriesOfSubject(subjectId: string, manager?: EntityManager): Promise<SubjectDisclosureEntry[]> {
    if (!isUUID(subjectId)) return [];
    const rows = await this.repo.currentOfSubject(subjectId.toLowerCase(), manager);
    const entries: SubjectDisclosureEntry[] = [];
    for (const row of rows) {
      const { status, made } = statusOfRow(row);
      entries.push({
        id: row.id,
        recipient: { name: row.recipientName, kind: row.recipientKind as RecipientKind, country: row.recipientCountry, contact: row.recipientContact },
        clauses: await this.policy.cite(row.policyVersion, row.basis),
        law: this.law.quote(row.law),
        categories: row.categories,
        purpose: row.purpose,
        firstDisclosedAt: iso(row.firstDisclosedAt),
        lastDisclosedAt: iso(row.lastDisclosedAt),
        frequency: row.frequency,
        status,
        countsAsMade: made,
        withheld: row.withheldUntil !== null,
        withheldUntil: row.withheldUntil ? iso(row.withheldUntil) : null,
      });
    }
    return entries;
  }

  /**
   * Everyone who received the subject's information: the recipients of the entries that count as
   * made (an authority's once confirmed), one per name, kind, country and contact, most recent first.
   */
  async recipientsOfSubject(subjectId: string, manager?: EntityManager): Promise<SubjectRecipient[]> {
    if (!isUUID(subjectId)) return [];
    const rows = await this.repo.currentOfSubject(subjectId.toLowerCase(), manager);
    const byRecipient = new Map<string, SubjectRecipient>();
    for (const row of rows) {
      if (!statusOfRow(row).made) continue;
      const key = JSON.stringify([row.recipientKind, row.recipientName, row.recipientCountry, row.recipientContact]);
      const seen = byRecipient.get(key);
      if (seen) {
        seen.entryIds.push(row.id);
        seen.categories = [...new Set([...seen.categories, ...row.categories])];
      } else
        byRecipient.set(key, {
          name: row.recipientName,
          kind: row.recipientKind as RecipientKind,
          country: row.recipientCountry,
          contact: row.recipientContact,
          entryIds: [row.id],
          categories: [...row.categories],
          lastDisclosedAt: iso(row.lastDisclosedAt),
        });
    }
    return [...byRecipient.values()];
  }
}
