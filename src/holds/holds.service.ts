import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError, ErrorKind } from '../common/errors/app-error';
import { iso } from '../common/time/iso';
import { actorOf } from '../kernel/actor';
import type { AuthUser } from '../kernel/auth-user';
import { Role } from '../kernel/role';
import { LawService } from '../law';
import { PolicyService } from '../policy/policy.service';
import { RequestReader } from '../requests';
import { SubjectErrorCode, subjectNotFound } from '../subjects/subjects.errors';
import { SubjectsService } from '../subjects/subjects.service';
import { HoldsPage, HoldView } from './dto/hold-view.dto';
import { DEFAULT_HOLDS_LIMIT, HoldsQueryDto, PlaceHoldDto, ReleaseHoldDto } from './dto/hold.dto';
import { holdCoverage } from './hold-coverage';
import { decodeHoldCursor, encodeHoldCursor } from './hold-cursor';
import {
  alreadyReleased,
  holdExpired,
  holdNeedsBasis,
  holdNeedsReferenceOrRetention,
  holdNotFound,
  holdsDoNotCover,
  subjectRequired,
  unknownSubject,
  untilInPast,
  untilTooFar,
} from './holds.errors';
import { HoldRow, HoldsRepository } from './holds.repository';

/** The longest a hold may last, from when it is placed. */
const MAX_HOLD_YEARS = 30;

/**
 * Legal holds (product.md, "The law above the policy"): what keeps a subject's data, storage only,
 * after an approved deletion, until an expiry. Legal places and releases them; every check runs
 * before anything is written, and each placement and release is audited in its own transaction.
 * Review asks `assertCovering` before a deletion keeps anything.
 *
 * Who reads holds: legal and admin, all of them. Staff, only the holds of a subject whose request
 * they hold or decided (the rule that lets them unmask that subject, RequestReader.isReviewerOf):
 * a reviewer deciding a deletion must see what the law keeps and tell the subject why, but a
 * hold's reference (an authority's document number) and note are legal's, and no business of a
 * reviewer with no case of that subject. Anyone else's holds answer 404, as if they did not exist.
 */
@Injectable()
export class HoldsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: HoldsRepository,
    private readonly policy: PolicyService,
    private readonly law: LawService,
    private readonly subjects: SubjectsService,
    private readonly requests: RequestReader,
    private readonly audit: AuditService,
  ) {}

  async place(user: AuthUser, dto: PlaceHoldDto): Promise<HoldView> {
    const clauses = dto.clauses ?? [];
    const law = dto.law ?? [];
    if (clauses.length + law.length === 0) throw holdNeedsBasis();
    const reference = dto.reference ?? null;
    const retention = dto.retention ?? null;
    if (reference === null && retention === null) throw holdNeedsReferenceOrRetention();
    const until = this.assertUntil(dto.until);
    this.law.cite(law);
    return this.dataSource.transaction(async (manager) => {
      const subject = await this.subjectOf(dto.subjectId, manager);
      // The version in force when placed: its clauses are the ones a hold may cite.
      const policyVersion = await this.policy.currentVersion(manager);
      await this.policy.cite(policyVersion, clauses);
      const row = await this.repo.insert(manager, {
        subjectId: subject.id,
        subjectRef: subject.subjectRef,
        categories: dto.categories,
        clauses,
        law,
        policyVersion,
        reference,
        retention,
        note: dto.note,
        until,
        placedBy: user.id,
      });
      await this.audit.record(manager, {
        action: 'legal_hold.placed',
        actor: actorOf(user),
        entityType: 'legal_hold',
        entityId: row.id,
        subjectRef: row.subjectRef,
        data: { subjectId: row.subjectId, categories: row.categories, clauses: row.clauses, law: row.law, policyVersion, until: iso(row.until) },
      });
      return holdView(row);
    });
  }

  /** A page of holds, newest first; `cursor` is the position this list handed out, already unsealed. */
  async list(user: AuthUser, query: HoldsQueryDto): Promise<HoldsPage> {
    const subjectId = query.subjectId?.toLowerCase();
    if (user.role === Role.Staff) {
      if (!subjectId) throw subjectRequired();
      if (!(await this.requests.isReviewerOf(user.id, subjectId))) throw subjectNotFound();
    }
    const limit = query.limit ?? DEFAULT_HOLDS_LIMIT;
    const after = query.cursor ? decodeHoldCursor(query.cursor) : undefined;
    const rows = await this.repo.findPage({ subjectId, active: query.active }, limit, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(holdView), nextCursor: rows.length > limit ? encodeHoldCursor({ placedMicros: last.placedMicros, id: last.id }) : null };
  }

  async get(user: AuthUser, id: string): Promise<HoldView> {
    const row = await this.repo.findById(id);
    if (!row) throw holdNotFound();
    if (user.role === Role.Staff && !(await this.requests.isReviewerOf(user.id, row.subjectId))) throw holdNotFound();
    return holdView(row);
  }

  /** Ends a hold in force before its expiry; 409 once it is released or expired. */
  async release(user: AuthUser, id: string, dto: ReleaseHoldDto): Promise<HoldView> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.repo.release(manager, id, user.id, dto.reason);
      if (!row) {
        const hold = await this.repo.findById(id, manager);
        if (!hold) throw holdNotFound();
        if (hold.releasedAt) throw alreadyReleased(hold.releasedAt);
        throw holdExpired(hold.until);
      }
      await this.audit.record(manager, {
        action: 'legal_hold.released',
        actor: actorOf(user),
        entityType: 'legal_hold',
        entityId: row.id,
        subjectRef: row.subjectRef,
        data: { subjectId: row.subjectId, categories: row.categories, until: iso(row.until) },
      });
      return holdView(row);
    });
  }

  /**
   * For a deletion that keeps data: every id must be a hold of this subject in force now, and
   * together they must include every one of `categories`; otherwise 422 `holds_do_not_cover` with
   * `{ uncovered, inactiveHolds, unknownHolds }`. Returns the holds. Given the caller's transaction,
   * the holds stay locked against a release until it ends.
   */
  async assertCovering(subjectId: string, holdIds: string[], categories: string[], manager?: EntityManager): Promise<HoldView[]> {
    const ids = [...new Set(holdIds.filter((id) => isUUID(id)).map((id) => id.toLowerCase()))];
    const found = await this.repo.findByIds(ids, manager);
    const { covering, uncovered, inactiveHolds, unknownHolds } = holdCoverage(subjectId, found, holdIds, categories);
    if (uncovered.length + inactiveHolds.length + unknownHolds.length > 0) throw holdsDoNotCover({ uncovered, inactiveHolds, unknownHolds });
    return covering.map(holdView);
  }

  /** The subject's holds in force now, soonest to end first. */
  async activeHolds(subjectId: string, manager?: EntityManager): Promise<HoldView[]> {
    if (!isUUID(subjectId)) return [];
    return (await this.repo.findActiveOfSubject(subjectId.toLowerCase(), manager)).map(holdView);
  }

  /** In the future, and no more than MAX_HOLD_YEARS ahead. */
  private assertUntil(value: string): Date {
    const until = new Date(value);
    if (Number.isNaN(until.getTime())) {
      throw new AppError(ErrorKind.BadRequest, 'validation_failed', 'until must be a valid ISO 8601 date', {
        errors: [{ field: 'until', messages: ['until must be a valid ISO 8601 date'] }],
      });
    }
    const now = new Date();
    if (until.getTime() <= now.getTime()) throw untilInPast();
    const latest = new Date(now);
    latest.setUTCFullYear(latest.getUTCFullYear() + MAX_HOLD_YEARS);
    if (until.getTime() > latest.getTime()) throw untilTooFar(latest);
    return until;
  }

  /** The data subject the body names; 422 naming `subjectId` when it names none (like review's unknown assignee). */
  private async subjectOf(subjectId: string, manager: EntityManager): Promise<{ id: string; subjectRef: string }> {
    try {
      const { id, subjectRef } = await this.subjects.maskedSubject(subjectId.toLowerCase(), manager);
      return { id, subjectRef };
    } catch (err) {
      if (err instanceof AppError && err.code === (SubjectErrorCode.SubjectNotFound as string)) throw unknownSubject();
      throw err;
    }
  }
}

function holdView(row: HoldRow): HoldView {
  return {
    id: row.id,
    subjectId: row.subjectId,
    subjectRef: row.subjectRef,
    categories: row.categories,
    clauses: row.clauses,
    law: row.law,
    policyVersion: row.policyVersion,
    reference: row.reference,
    retention: row.retention,
    note: row.note,
    until: iso(row.until),
    placedBy: row.placedBy,
    placedAt: iso(row.placedAt),
    releasedAt: row.releasedAt ? iso(row.releasedAt) : null,
    releasedBy: row.releasedBy,
    releaseReason: row.releaseReason,
    active: row.active,
    expired: row.expired,
  };
}
