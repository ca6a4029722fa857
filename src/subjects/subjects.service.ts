import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../kernel/auth-user';
import { RevealSubjectFieldDto } from './dto/reveal.dto';
import { maskEmail, maskName, maskPhone } from '../common/text/masking';
import { MaskedSubjectDto } from './dto/masked-subject.dto';
import { RevealableField, RevealedField } from './subject.types';
import { subjectNotFound } from './subjects.errors';
import { SubjectRecord, SubjectsRepository } from './subjects.repository';
import { actorOf } from '../kernel/actor';
import { Role } from '../kernel/role';
import { RequestReader } from '../requests';

/** Subjects as staff see them: masked by default; an unmasked value only by an audited reveal. */
@Injectable()
export class SubjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: SubjectsRepository,
    private readonly audit: AuditService,
    private readonly requests: RequestReader,
  ) {}

  /** The subject with email, phone and name masked; 404 `subject_not_found` when `userId` is no subject. */
  async maskedSubject(userId: string, manager?: EntityManager): Promise<MaskedSubjectDto> {
    const subject = await this.repo.findSubject(userId, manager);
    if (!subject) throw subjectNotFound();
    return {
      id: subject.id,
      subjectRef: subject.subjectRef,
      displayName: maskName(subject.displayName),
      email: maskEmail(subject.email),
      phone: maskPhone(subject.phone),
      locale: subject.locale,
      createdAt: new Date(subject.createdAt).toISOString(),
    };
  }

  /**
   * One unmasked field of a subject the caller is working on (404 otherwise), with the staff member's reason recorded (`subject.revealed`) in the same
   * transaction as the read: no reveal without its audit event. The value itself is never audited.
   */
  async reveal(staff: AuthUser, subjectId: string, dto: RevealSubjectFieldDto): Promise<RevealedField> {
    // A reviewer unmasks only a subject they are working on: a request of theirs the reviewer holds,
    // or decided, open or closed recently. Legal may unmask anyone, with the reason the body requires.
    // Anyone else learns nothing, not even that the subject exists.
    if (staff.role !== Role.Legal && !(await this.requests.isReviewerOf(staff.id, subjectId))) throw subjectNotFound();
    return this.dataSource.transaction(async (manager) => {
      const subject = await this.repo.findSubject(subjectId, manager);
      if (!subject) throw subjectNotFound();
      await this.audit.record(manager, {
        action: 'subject.revealed',
        actor: actorOf(staff),
        entityType: 'subject',
        entityId: subject.id,
        subjectRef: subject.subjectRef,
        data: { field: dto.field, reason: dto.reason },
      });
      return { field: dto.field, value: valueOf(subject, dto.field) };
    });
  }
}

function valueOf(subject: SubjectRecord, field: RevealableField): string | null {
  switch (field) {
    case RevealableField.Email:
      return subject.email;
    case RevealableField.Phone:
      return subject.phone;
    case RevealableField.DisplayName:
      return subject.displayName;
  }
}
