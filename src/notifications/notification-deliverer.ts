import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { afterFailure, describeDeliveryError, retryDelaySeconds } from './delivery-policy';
import { NoticeMailer } from './notice-mailer';
import { noticeLocale, renderNotice, TemplateContext } from './notification-templates';
import { ClaimedNotice, NotificationsRepository } from './notifications.repository';

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  /** due notices were left for the next run (the run's budget was used up) */
  more: boolean;
}

export interface DeliveryOptions {
  /** notices claimed and sent together (default 20) */
  batchSize?: number;
  /** batches in one run before it yields to the next (default 50) */
  maxBatches?: number;
}

const DEFAULT_BATCH_SIZE = 20;
const DEFAULT_MAX_BATCHES = 50;
/**
 * How long a claimed notice is left alone by other deliverers. Far longer than one attempt can take
 * (the mailer's time-outs add up to about a minute), so a notice is never sent by two at once.
 */
export const CLAIM_LEASE_SECONDS = 600;
const RECIPIENT_GONE = 'recipient account no longer exists';

/**
 * Sends due notices from the outbox. Any number of deliverers (processes, workers) may run at
 * once: each claims different notices. One notice failing never holds up the others: it is tried
 * again later (exponential backoff) and after NOTIFICATIONS_MAX_ATTEMPTS it is marked failed.
 */
@Injectable()
export class NotificationDeliverer {
  private readonly logger = new Logger(NotificationDeliverer.name);
  private readonly context: TemplateContext;

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly mailer: NoticeMailer,
    private readonly config: AppConfig,
  ) {
    this.context = { publicUrl: config.env.PUBLIC_URL, operatorName: config.env.OPERATOR_NAME };
  }

  get enabled(): boolean {
    return this.mailer.enabled;
  }

  /** Sends what is due now, batch by batch; without SMTP_URL it does nothing. */
  async deliverDue(options: DeliveryOptions = {}): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, more: false };
    if (!this.mailer.enabled) return report;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
    for (let i = 0; i < maxBatches; i++) {
      const batch = await this.repo.claimDue(batchSize, CLAIM_LEASE_SECONDS);
      const outcomes = await Promise.allSettled(batch.map((notice) => this.attempt(notice, report)));
      const broken = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (broken) throw broken.reason;
      if (batch.length < batchSize) return this.logged(report);
    }
    return this.logged({ ...report, more: true });
  }

  private async attempt(notice: ClaimedNotice, report: DeliveryReport): Promise<void> {
    if (notice.email === null) {
      await this.repo.markFailed(notice.id, notice.attempt, RECIPIENT_GONE);
      report.failed += 1;
      return;
    }
    try {
      const content = renderNotice(notice.kind, notice.data, noticeLocale(notice.locale), this.context);
      await this.mailer.send({ id: notice.id, to: notice.email, ...content });
    } catch (err) {
      await this.recordFailure(notice, describeDeliveryError(err), report);
      return;
    }
    await this.repo.markSent(notice.id, notice.attempt);
    report.sent += 1;
  }

  private async recordFailure(notice: ClaimedNotice, error: string, report: DeliveryReport): Promise<void> {
    const { NOTIFICATIONS_MAX_ATTEMPTS: max, NOTIFICATIONS_RETRY_BASE_SECONDS: base } = this.config.env;
    if (afterFailure(notice.attempt, max) === 'fail') {
      await this.repo.markFailed(notice.id, notice.attempt, error);
      report.failed += 1;
      this.logger.warn({ notice: notice.id, kind: notice.kind, attempt: notice.attempt, error }, 'notice could not be delivered; giving up');
    } else {
      await this.repo.markRetry(notice.id, notice.attempt, retryDelaySeconds(notice.attempt, base), error);
      report.retried += 1;
      this.logger.log({ notice: notice.id, kind: notice.kind, attempt: notice.attempt, error }, 'notice delivery failed; will retry');
    }
  }

  private logged(report: DeliveryReport): DeliveryReport {
    if (report.sent + report.retried + report.failed > 0) this.logger.log({ ...report }, 'notices delivered');
    return report;
  }
}
