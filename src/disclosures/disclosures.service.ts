import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { isUniqueViolation } from '../common/errors/database-errors';
import { iso } from '../common/time/iso';
import { ConsentsService } from '../consents/consents.service';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { LawService } from '../law';
import { isConsentPurposeKey } from '../policy/domain/policy.types';
import { PolicyService } from '../policy/policy.service';
import { decodeDisclosureCursor, encodeDisclosureCursor } from './disclosure-cursor';
import { CSV_HEADER, csvLine } from './disclosure-csv';
import { disclosureView } from './disclosure-view';
import { CONFIDENTIALITY_PROVISIONS, MAX_WITHHOLD_YEARS } from './domain/disclosure.types';
import {
  DEFAULT_DISCLOSURES_LIMIT,
  DisclosuresFilterDto,
  DisclosuresQueryDto,
  RecordDisclosureDto,
  ReviewDisclosureDto,
  WithholdDisclosureDto,
} from './dto/disclosure.dto';
import { DisclosureStats, DisclosuresPage, DisclosureView, WithholdingView } from './dto/disclosure-view.dto';
import {
  alreadyCorrected,
  alreadyReviewed,
  badDate,
  correctionNeedsReason,
  correctsUnknown,
  dateInFuture,
  datesOutOfOrder,
  disclosureNotFound,
  recorderCannotReview,
  repeatNeedsFrequency,
  unknownSubjects,
  withholdingNeedsConfidentiality,
  withholdUntilInPast,
  withholdUntilTooFar,
} from './disclosures.errors';
import { DisclosureFilter, DisclosureRow, DisclosuresRepository, NewDisclosure, WithholdingRow } from './disclosures.repository';
import { Pieces } from '../common/text/pieces';

/** A disclosure time may run this far ahead of our clock (the recorder's clock, a time zone typed by hand). */
const CLOCK_SKEW_MS = 60_000;

/**
 * The disclosure register (product.md, "The disclosure register and legal review"; issue 13).
 *
 * Staff and legal record disclosures; every check runs before anything is written, and the entry,
 * its subjects, its citations and one audit event per subject (carrying the entry's content hash,
 * so the hash chain vouches for what was recorded) commit together. The basis is checked by the
 * policy (`PolicyService.assertDisclosureBasis`), with each subject's consents on file read from the
 * consent ledger in the same transaction. A legal reviewer other than the recorder confirms or
 * flags each entry once; legal may withhold an entry from its subject, on a provision requiring
 * confidentiality, until a date. Legal and admin read the register; staff read only the entries
 * they recorded (anything else answers 404, as if it did not exist).
 */
@Injectable()
export class DisclosuresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: DisclosuresRepository,
    private readonly policy: PolicyService,
    private readonly law: LawService,
    private readonly accounts: AccountsService,
    private readonly consents: ConsentsService,
    private readonly audit: AuditService,
  ) {}

  async record(user: AuthUser, dto: RecordDisclosureDto): Promise<DisclosureView> {
    const first = parseInstant(dto.disclosedAt, 'disclosedAt');
    const last = dto.lastDisclosedAt === undefined ? first : parseInstant(dto.lastDisclosedAt, 'lastDisclosedAt');
    const now = Date.now();
    if (first.getTime() > now + CLOCK_SKEW_MS) throw dateInFuture('disclosedAt', first);
    if (last.getTime() > now + CLOCK_SKEW_MS) throw dateInFuture('lastDisclosedAt', last);
    if (last.getTime() < first.getTime()) throw datesOutOfOrder();
    const repeated = last.getTime() > first.getTime();
    if ((repeated && dto.frequency === undefined) || (dto.frequency !== undefined && dto.lastDisclosedAt === undefined)) throw repeatNeedsFrequency();
    if ((dto.corrects === undefined) !== (dto.correctionReason === undefined)) throw correctionNeedsReason();
    if (dto.consentPurpose !== undefined && !isConsentPurposeKey(dto.consentPurpose))
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', `consentPurpose ${dto.consentPurpose} is no purpose of the consent ledger`, {
        errors: [{ field: 'consentPurpose', messages: ['consentPurpose must be a purpose of the consent ledger (GET /api/v1/consents)'] }],
      });
    const law = dto.law ?? [];
    this.law.cite(law);
    const subjectIds = [...new Set(dto.subjectIds.map((id) => id.toLowerCase()))];
    const country = dto.recipient.country.toUpperCase();

    try {
      return await this.dataSource.transaction(async (manager) => {
        const subjects = await this.subjectsOf(subjectIds);
        const corrects = dto.corrects?.toLowerCase() ?? null;
        if (corrects) {
          if (!(await this.repo.findForChange(manager, corrects))) throw correctsUnknown();
          const correctedBy = await this.repo.correctionOf(corrects, manager);
          if (correctedBy) throw alreadyCorrected(correctedBy);
        }
        const policyVersion = await this.policy.currentVersion(manager);
        const facts = [];
        for (const s of subjects) facts.push({ id: s.id, consentsOnFile: await this.consents.grantedPurposes(s.id, manager) });
        await this.policy.assertDisclosureBasis(policyVersion, {
          recipientKind: dto.recipient.kind,
          recipientCountry: country,
          basis: dto.basis,
          law,
          categories: dto.dataCategories,
          reference: dto.reference,
          emergency: dto.emergency,
          consentPurpose: dto.consentPurpose,
          agreementRef: dto.agreementRef,
          transferMechanism: dto.transferMechanism,
          transferRef: dto.transferRef,
          impactAssessmentRef: dto.impactAssessmentRef,
          prcApprovalRef: dto.prcApprovalRef,
          subjects: facts,
        });
        const entry: Omit<NewDisclosure, 'contentHash'> = {
          recipientName: dto.recipient.name,
          recipientKind: dto.recipient.kind,
          recipientCountry: country,
          recipientContact: dto.recipient.contact ?? null,
          basis: dto.basis,
          law,
          categories: dto.dataCategories,
          purpose: dto.purpose,
          reference: dto.reference ?? null,
          emergency: dto.emergency ?? null,
          consentPurpose: dto.consentPurpose ?? null,
          agreementRef: dto.agreementRef ?? null,
          transferMechanism: dto.transferMechanism ?? null,
          transferRef: dto.transferRef ?? null,
          impactAssessmentRef: dto.impactAssessmentRef ?? null,
          prcApprovalRef: dto.prcApprovalRef ?? null,
          firstDisclosedAt: first,
          lastDisclosedAt: last,
          frequency: dto.frequency ?? null,
          policyVersion,
          corrects,
          correctionReason: dto.correctionReason ?? null,
          recordedBy: user.id,
          subjects: subjects.map((s) => ({ id: s.id, subjectRef: s.subjectRef })),
        };
        const contentHash = contentHashOf(entry);
        const id = await this.repo.insert(manager, { ...entry, contentHash });
        // One event per subject, so that each subject's trail (by pseudonymous reference) shows the disclosure.
        for (const s of subjects)
          await this.audit.record(manager, {
            action: 'disclosure.recorded',
            actor: actorOf(user),
            entityType: 'disclosure',
            entityId: id,
            subjectRef: s.subjectRef,
            data: {
              recipientKind: entry.recipientKind,
              recipientCountry: country,
              basis: entry.basis,
              law,
              categories: entry.categories,
              policyVersion,
              firstDisclosedAt: iso(first),
              lastDisclosedAt: iso(last),
              subjects: subjects.length,
              contentHash,
              ...(corrects && { corrects }),
            },
          });
        return disclosureView((await this.repo.findById(id, manager))!);
      });
    } catch (err) {
      // Two corrections of one entry at once: the second meets the unique index.
      if (isUniqueViolation(err, 'uq_disclosure_entries_corrects')) throw alreadyCorrected('another entry recorded at the same moment');
      throw err;
    }
  }

  async list(user: AuthUser, query: DisclosuresQueryDto): Promise<DisclosuresPage> {
    const limit = query.limit ?? DEFAULT_DISCLOSURES_LIMIT;
    const after = query.cursor ? decodeDisclosureCursor(query.cursor) : undefined;
    const rows = await this.repo.findPage(filterOf(query), limit, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(disclosureView),
      nextCursor: rows.length > limit ? encodeDisclosureCursor({ lastMicros: last.lastMicros, id: last.id }) : null,
    };
  }

  async get(user: AuthUser, id: string): Promise<DisclosureView> {
    const row = await this.repo.findById(id.toLowerCase());
    if (!row || (user.role === Role.Staff && row.recordedBy !== user.id)) throw disclosureNotFound();
    return { ...disclosureView(row), withholdings: (await this.repo.withholdingsOf(row.id)).map(withholdingView) };
  }

  /** Confirms or flags an entry, once, by a legal reviewer who did not record it. */
  async review(user: AuthUser, id: string, dto: ReviewDisclosureDto): Promise<DisclosureView> {
    return this.dataSource.transaction(async (manager) => {
      const entry = await this.repo.findForChange(manager, id.toLowerCase());
      if (!entry) throw disclosureNotFound();
      if (entry.recordedBy === user.id) throw recorderCannotReview();
      if (!(await this.repo.insertReview(manager, entry.id, dto.outcome, dto.note, user.id))) {
        const existing = (await this.repo.reviewOf(manager, entry.id))!;
        throw alreadyReviewed(existing.outcome, existing.reviewedAt);
      }
      await this.audit.record(manager, {
        action: 'disclosure.reviewed',
        actor: actorOf(user),
        entityType: 'disclosure',
        entityId: entry.id,
        data: { outcome: dto.outcome, recipientKind: entry.recipientKind },
      });
      return disclosureView((await this.repo.findById(entry.id, manager))!);
    });
  }

  /** Withholds an entry from its subject until a date, on a provision requiring confidentiality and the authority's reference. */
  async withhold(user: AuthUser, id: string, dto: WithholdDisclosureDto): Promise<DisclosureView> {
    if (!dto.law.some((provision) => CONFIDENTIALITY_PROVISIONS.includes(provision))) throw withholdingNeedsConfidentiality(CONFIDENTIALITY_PROVISIONS);
    this.law.cite(dto.law);
    const until = parseInstant(dto.until, 'until');
    const now = new Date();
    if (until.getTime() <= now.getTime()) throw withholdUntilInPast();
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + MAX_WITHHOLD_YEARS);
    if (until.getTime() > latest.getTime()) throw withholdUntilTooFar(latest);
    return this.dataSource.transaction(async (manager) => {
      const entry = await this.repo.findForChange(manager, id.toLowerCase());
      if (!entry) throw disclosureNotFound();
      const row = await this.repo.insertWithholding(manager, {
        entryId: entry.id,
        law: dto.law,
        reference: dto.reference,
        until,
        note: dto.note ?? null,
        withheldBy: user.id,
      });
      await this.audit.record(manager, {
        action: 'disclosure.withheld',
        actor: actorOf(user),
        entityType: 'disclosure',
        entityId: entry.id,
        data: { withholdingId: row.id, law: dto.law, until: iso(until) },
      });
      return disclosureView((await this.repo.findById(entry.id, manager))!);
    });
  }

  /** The CSV export: the header, then one line per entry as the rows arrive (the caller streams it). */
  exportCsv(query: DisclosuresFilterDto): AsyncGenerator<string> {
    // The filter is read before the first byte goes out: a bad one is still a 400.
    return csvOf(this.repo.stream(filterOf(query)));
  }

  async stats(query: Pick<DisclosuresFilterDto, 'kind' | 'from' | 'to'>): Promise<DisclosureStats> {
    const filter = filterOf(query);
    const [byBasis, totals] = await Promise.all([this.repo.countByBasis(filter), this.repo.countCurrent(filter)]);
    return { byBasis: byBasis.map((row) => ({ ...row, kind: row.kind as never })), ...totals };
  }

  /** The data subjects named, with their pseudonymous references; 422 naming every id that is not one. */
  private async subjectsOf(ids: string[]): Promise<{ id: string; subjectRef: string }[]> {
    const found: { id: string; subjectRef: string }[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const account = await this.accounts.get(id).catch((err: unknown) => {
        if (err instanceof AppError && err.kind === ErrorKind.NotFound) return null;
        throw err;
      });
      if (account?.role === Role.Subject) found.push({ id: account.id, subjectRef: account.subjectRef });
      else unknown.push(id);
    }
    if (unknown.length > 0) throw unknownSubjects(unknown);
    return found;
  }
}

async function* csvOf(batches: AsyncGenerator<DisclosureRow[]>): AsyncGenerator<string> {
  yield CSV_HEADER;
  const out = new Pieces();
  for await (const rows of batches) {
    for (const row of rows) {
      const piece = out.add(csvLine(row));
      if (piece) yield piece;
    }
  }
  const last = out.take();
  if (last) yield last;
}

function filterOf(query: DisclosuresFilterDto): DisclosureFilter {
  return {
    kind: query.kind,
    clause: query.clause,
    provision: query.provision,
    subjectId: query.subjectId?.toLowerCase(),
    from: query.from ? parseInstant(query.from, 'from') : undefined,
    to: query.to ? parseInstant(query.to, 'to') : undefined,
    status: query.status,
    corrected: query.corrected,
  };
}

function parseInstant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badDate(field);
  return date;
}

/** SHA-256 over the entry's content in a fixed order (subjects sorted): what the audit events vouch for. */
export function contentHashOf(entry: Omit<NewDisclosure, 'contentHash'>): string {
  const canonical = {
    ...entry,
    firstDisclosedAt: entry.firstDisclosedAt.toISOString(),
    lastDisclosedAt: entry.lastDisclosedAt.toISOString(),
    subjects: entry.subjects.map((s) => s.id).sort(),
  };
  const ordered = Object.fromEntries(Object.entries(canonical).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

function withholdingView(row: WithholdingRow): WithholdingView {
  return {
    id: row.id,
    law: row.law,
    reference: row.reference,
    until: iso(row.until),
    note: row.note,
    withheldBy: row.withheldBy,
    withheldAt: iso(row.withheldAt),
    active: row.active,
  };
}
