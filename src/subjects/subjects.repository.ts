import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../kernel/role';

export interface SubjectRecord {
  id: string;
  subjectRef: string;
  email: string;
  displayName: string | null;
  phone: string | null;
  locale: string;
  createdAt: Date;
}

@Injectable()
export class SubjectsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A data subject's account (staff, legal and admin accounts are not subjects). */
  async findSubject(id: string, manager?: EntityManager): Promise<SubjectRecord | null> {
    const [row]: SubjectRecord[] = await (manager ?? this.dataSource.manager).query(
      `SELECT id, subject_ref AS "subjectRef", email, display_name AS "displayName", phone, locale, created_at AS "createdAt"
       FROM users WHERE id = $1 AND role = $2`,
      [id, Role.Subject],
    );
    return row ?? null;
  }
}
