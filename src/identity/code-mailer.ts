import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SmtpSender } from '../common/mail/smtp-sender';
import { AppConfig } from '../config/app-config';

export interface CodeMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends the messages of the link proof over SMTP (SMTP_URL, From MAIL_FROM): e-mailed codes, and
 * text messages through an e-mail-to-SMS gateway. Set up as the notice mailer of src/notifications
 * is (a small pool, bounded time-outs), but its own: a code goes out at once, never through the
 * outbox, whose retries could deliver it after it has expired. Without SMTP_URL it is disabled.
 */
@Injectable()
export class CodeMailer implements OnApplicationShutdown {
  // A code lasts 10 minutes: SmtpSender's bounded time-outs keep a delivery well inside them.
  private readonly sender: SmtpSender;

  constructor(config: AppConfig) {
    const { SMTP_URL, MAIL_FROM, PUBLIC_URL } = config.env;
    this.sender = new SmtpSender({ url: SMTP_URL, from: MAIL_FROM, publicUrl: PUBLIC_URL, maxConnections: 2 });
  }

  get enabled(): boolean {
    return this.sender.enabled;
  }

  async send(message: CodeMessage): Promise<void> {
    if (!this.sender.enabled) throw new Error('SMTP_URL is not set');
    await this.sender.send({ ...message, id: randomUUID() });
  }

  onApplicationShutdown(): void {
    this.sender.close();
  }
}
