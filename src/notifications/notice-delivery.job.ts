import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { JobsService } from '../jobs/jobs.service';
import { NotificationDeliverer } from './notification-deliverer';

export const DELIVER_NOTICES_JOB = 'notifications.deliver';

/**
 * Runs the deliverer as a job: every NOTIFICATIONS_POLL_SECONDS (for retries that come due), and
 * at once when a transaction that wrote notices commits (`wake`). The queue is a `short` one:
 * while a run waits, further wake-ups add nothing.
 */
@Injectable()
export class NoticeDeliveryJob implements OnModuleInit {
  private readonly logger = new Logger(NoticeDeliveryJob.name);

  constructor(
    private readonly jobs: JobsService,
    private readonly deliverer: NotificationDeliverer,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.deliverer.enabled) {
      this.logger.log('Notice delivery is off (SMTP_URL is not set): notices stay pending in the outbox');
      return;
    }
    this.jobs.register(DELIVER_NOTICES_JOB, () => this.run(), {
      everySeconds: this.config.env.NOTIFICATIONS_POLL_SECONDS,
      policy: 'short',
      // The notices keep their own attempts and backoff; a failed run is simply the next run's work.
      retryLimit: 0,
      expireInSeconds: 15 * 60,
    });
  }

  /**
   * Asks a worker to deliver now. Only where this process works the queue: a portal that only
   * enqueues (WORKER_MODE=off) leaves it to the worker's own polling, and never starts the queue
   * just for this.
   */
  wake(): void {
    if (!this.deliverer.enabled || !this.jobs.worksJobs) return;
    this.jobs
      .send(DELIVER_NOTICES_JOB, {})
      .catch((err: Error) =>
        this.logger.warn({ err: { type: err.name, message: err.message } }, 'could not wake the notice deliverer; its next poll will deliver'),
      );
  }

  private async run(): Promise<void> {
    const report = await this.deliverer.deliverDue();
    // More was due than one run sends: carry on in a fresh job rather than hold this one for long.
    if (report.more) await this.jobs.send(DELIVER_NOTICES_JOB, {});
  }
}
