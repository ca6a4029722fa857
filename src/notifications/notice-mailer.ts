import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { SmtpSender } from '../common/mail/smtp-sender';
import { AppConfig } from '../config/app-config';

export interface OutgoingNotice {
  /** the notice's id: it makes the Message-ID, the same on every attempt */
  id: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends notices over SMTP (SMTP_URL), through a small pool of connections. Without SMTP_URL it is
 * disabled: notices then stay pending in the outbox.
 */
@Injectable()
export class NoticeMailer implements OnApplicationShutdown {
  // Bounded time-outs (SmtpSender), so that one attempt never outlives the lease on its notice.
  private readonly sender: SmtpSender;

  constructor(config: AppConfig) {
    const { SMTP_URL, MAIL_FROM, PUBLIC_URL } = config.env;
    this.sender = new SmtpSender({ url: SMTP_URL, from: MAIL_FROM, publicUrl: PUBLIC_URL, maxConnections: 3 });
  }

  get enabled(): boolean {
    return this.sender.enabled;
  }

  /** The notice's id makes the Message-ID: the same on every attempt. */
  async send(notice: OutgoingNotice): Promise<void> {
    await this.sender.send({ to: notice.to, subject: notice.subject, text: notice.text, id: notice.id });
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }
}
