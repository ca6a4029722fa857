import { ApiProperty } from '@nestjs/swagger';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SmtpSender } from '../common/mail/smtp-sender';
import { iso } from '../common/time/iso';
import { AppConfig } from '../config/app-config';
import { whileLocked } from '../database/advisory-lock';
import { DisclosureRegister } from '../disclosures';
import { JobsService } from '../jobs/jobs.service';
import { RequestType } from '../policy/domain/policy.types';
import type { SubjectRequest } from '../requests';

export const RECIPIENT_NOTICES_JOB = 'erasure.recipient-notices';
/** Tries per notice before it is left `failed` on the request, for staff to follow up. */
const MAX_ATTEMPTS = 5;
/** What the register's contact must look like for the notice to be mailed; anything else is sent by staff. */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export type RecipientNoticeStatus = 'pending' | 'sent' | 'no_contact' | 'failed';

export class NoticeRecipientView {
  name: string;
  kind: string;
  /** as the register records it */
  contact: string | null;
}

export class RecipientNoticeView {
  recipient: NoticeRecipientView;
  /** the register's entries the notice is about */
  entryIds: string[];
  categories: string[];
  /** pending: to be mailed; sent; no_contact: the register holds no e-mail address, staff notify by other means; failed: after the last try */
  @ApiProperty({ enum: ['pending', 'sent', 'no_contact', 'failed'] })
  status: RecipientNoticeStatus;
  attempts: number;
  createdAt: string;
  sentAt: string | null;
}

interface NoticeRow {
  id: string;
  requestId: string;
  subjectRef: string;
  recipientName: string;
  recipientKind: string;
  contact: string | null;
  entryIds: string[];
  categories: string[];
  status: RecipientNoticeStatus;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  firstDisclosed: Date | null;
}

/**
 * Tells everyone who received a subject's information that it has been erased (the disclosure
 * register lists them; an authority's entry once legal confirmed it), so that they erase their
 * copy (PIPL Art. 47; GB/T 35273 §8.3). The notices are made in the transaction that completes the
 * erasure, one per recipient: for an account, every recipient; for chosen categories, those that
 * received any of them. A recipient the register gives an e-mail address is mailed (SMTP_URL),
 * with the erased categories and the dates of the disclosures, and the subject's pseudonymous
 * reference only (the recipient holds their own records of whom they received); the others are
 * listed on the request as `no_contact`, for staff to notify by the means the register records.
 */
@Injectable()
export class RecipientNotices implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RecipientNotices.name);
  private readonly sender: SmtpSender;
  private readonly operatorName: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly register: DisclosureRegister,
    config: AppConfig,
  ) {
    const { SMTP_URL, MAIL_FROM, PUBLIC_URL, OPERATOR_NAME } = config.env;
    this.sender = new SmtpSender({ url: SMTP_URL, from: MAIL_FROM, publicUrl: PUBLIC_URL, maxConnections: 2 });
    this.operatorName = OPERATOR_NAME;
  }

  onModuleInit(): void {
    this.jobs.register<{ requestId: string }>(RECIPIENT_NOTICES_JOB, (data) => this.deliver(data.requestId), {
      retryLimit: MAX_ATTEMPTS,
      retryDelaySeconds: 60,
      retryBackoff: true,
    });
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }

  /** In the completing transaction of an erasure: `erased` are the categories it erased (a deleted account: all). */
  async onErasureCompleted(manager: EntityManager, request: SubjectRequest, erased: readonly string[]): Promise<number> {
    const recipients = (await this.register.recipientsOfSubject(request.subjectId, manager)).filter(
      (r) => request.type === RequestType.DeleteAccount || r.categories.some((c) => erased.includes(c)),
    );
    for (const r of recipients) {
      const contact = r.contact?.trim() ?? null;
      await manager.query(
        `INSERT INTO recipient_notices (request_id, recipient_key, recipient_name, recipient_kind, contact, entry_ids, categories, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id, recipient_key) DO NOTHING`,
        [
          request.id,
          JSON.stringify([r.kind, r.name, r.country, contact]),
          r.name,
          r.kind,
          contact,
          r.entryIds,
          request.type === RequestType.DeleteAccount ? r.categories : r.categories.filter((c) => erased.includes(c)),
          contact && EMAIL.test(contact) ? 'pending' : 'no_contact',
        ],
      );
    }
    if (recipients.length > 0) await this.jobs.send(RECIPIENT_NOTICES_JOB, { requestId: request.id }, { manager });
    return recipients.length;
  }

  async ofRequest(requestId: string): Promise<RecipientNoticeView[]> {
    return (await this.rows(requestId)).map((n) => ({
      recipient: { name: n.recipientName, kind: n.recipientKind, contact: n.contact },
      entryIds: n.entryIds,
      categories: n.categories,
      status: n.status,
      attempts: n.attempts,
      createdAt: iso(n.createdAt),
      sentAt: n.sentAt && iso(n.sentAt),
    }));
  }

  /**
   * Mails the request's pending notices, one run per request at a time across every process (a
   * second run finds the lock held and leaves them to the first); throws while any is left to try,
   * so that the queue tries again later.
   */
  async deliver(requestId: string): Promise<void> {
    await whileLocked(this.dataSource, RECIPIENT_NOTICES_JOB, requestId, () => this.deliverLocked(requestId));
  }

  private async deliverLocked(requestId: string): Promise<void> {
    if (!this.sender.enabled) {
      this.logger.warn({ requestId }, 'recipient notices wait: mail delivery is off (SMTP_URL is not set)');
      throw new Error('mail delivery is off');
    }
    let left = 0;
    for (const notice of (await this.rows(requestId)).filter((n) => n.status === 'pending')) {
      try {
        await this.sender.send({ id: `recipient-${notice.id}`, to: notice.contact as string, ...this.message(notice) });
        await this.dataSource.query(
          `UPDATE recipient_notices SET status = 'sent', sent_at = now(), attempts = attempts + 1 WHERE id = $1 AND status = 'pending'`,
          [notice.id],
        );
      } catch (err) {
        const attempts = notice.attempts + 1;
        const code = (err as { responseCode?: number; code?: string }).responseCode ?? (err as { code?: string }).code ?? 'error';
        await this.dataSource.query(`UPDATE recipient_notices SET attempts = $2, last_error = $3, status = $4 WHERE id = $1 AND status = 'pending'`, [
          notice.id,
          attempts,
          String(code),
          attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        ]);
        // Ids and codes only: neither the recipient's address nor the subject is logged.
        this.logger.warn({ requestId, notice: notice.id, code }, 'a recipient notice could not be sent');
        if (attempts < MAX_ATTEMPTS) left += 1;
      }
    }
    if (left > 0) throw new Error(`${left} recipient notice(s) to try again`);
  }

  private message(n: NoticeRow): { subject: string; text: string } {
    const since = n.firstDisclosed ? iso(n.firstDisclosed).slice(0, 10) : '';
    return {
      subject: `个人信息已删除通知 / Notice of erasure of personal information (${this.operatorName})`,
      text: [
        `${n.recipientName}：`,
        '',
        `${this.operatorName}自 ${since} 起依法向贵方提供的一名个人（编号 ${n.subjectRef}）的个人信息，已应其本人请求予以删除。`,
        `涉及的信息类别：${n.categories.join('、')}。`,
        '请依照《中华人民共和国个人信息保护法》第四十七条的规定，删除贵方持有的上述个人信息；法律、行政法规另有规定的除外。',
        `登记编号：${n.entryIds.join(', ')}`,
        '',
        `${n.recipientName},`,
        '',
        `At the request of the person concerned (reference ${n.subjectRef}), ${this.operatorName} has erased the personal information it disclosed to you since ${since}.`,
        `Categories: ${n.categories.join(', ')}.`,
        'Please erase the personal information you hold from these disclosures, as Article 47 of the Personal Information Protection Law requires, unless a law or administrative regulation provides otherwise.',
        `Register entries: ${n.entryIds.join(', ')}`,
      ].join('\n'),
    };
  }

  private rows(requestId: string): Promise<NoticeRow[]> {
    return this.dataSource.query(
      `SELECT n.id, n.request_id AS "requestId", r.subject_ref AS "subjectRef", n.recipient_name AS "recipientName", n.recipient_kind AS "recipientKind",
              n.contact, n.entry_ids::text[] AS "entryIds", n.categories, n.status, n.attempts, n.created_at AS "createdAt", n.sent_at AS "sentAt",
              (SELECT min(e.first_disclosed_at) FROM disclosure_entries e WHERE e.id = ANY(n.entry_ids)) AS "firstDisclosed"
         FROM recipient_notices n JOIN requests r ON r.id = n.request_id
        WHERE n.request_id = $1 ORDER BY n.created_at, n.recipient_name`,
      [requestId],
    );
  }
}
