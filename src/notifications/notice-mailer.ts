import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';
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
  private readonly transport: Transporter | null;
  private readonly from: string;
  private readonly messageIdHost: string;

  constructor(config: AppConfig) {
    const { SMTP_URL, MAIL_FROM, PUBLIC_URL } = config.env;
    this.messageIdHost = new URL(PUBLIC_URL).hostname;
    this.from = MAIL_FROM ?? `no-reply@${this.messageIdHost}`;
    this.transport = SMTP_URL
      ? createTransport(
          new SMTPPool({
            pool: true,
            url: SMTP_URL,
            maxConnections: 3,
            // Bounded, so that one attempt never outlives the lease on its notice.
            connectionTimeout: 15_000,
            greetingTimeout: 15_000,
            socketTimeout: 30_000,
            logger: false,
          }),
        )
      : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  async send(notice: OutgoingNotice): Promise<void> {
    if (!this.transport) throw new Error('notice delivery is off: SMTP_URL is not set');
    await this.transport.sendMail({
      from: this.from,
      to: notice.to,
      subject: notice.subject,
      text: notice.text,
      messageId: `<${notice.id}@${this.messageIdHost}>`,
      // RFC 3834: an automatic message; auto-responders should not answer it.
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
