import { createTransport, Transporter } from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';

export interface SmtpSettings {
  /** `smtp://user:pass@host:587`; unset: the sender is disabled */
  url?: string;
  /** the From address; unset: `no-reply@` the portal's host */
  from?: string;
  /** the portal's address as users reach it: its host names the messages (Message-ID, From) */
  publicUrl: string;
  maxConnections: number;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** the local part of the Message-ID (the same on every attempt of one message) */
  id: string;
}

/**
 * One way to send mail over SMTP for every capability that does (notices, identity codes): a
 * small pool of connections with bounded time-outs, so that one attempt never hangs, and messages
 * marked as sent automatically (RFC 3834: auto-responders should not answer). Disabled without a URL.
 */
export class SmtpSender {
  private readonly transport: Transporter | null;
  private readonly from: string;
  private readonly messageIdHost: string;

  constructor(settings: SmtpSettings) {
    this.messageIdHost = new URL(settings.publicUrl).hostname;
    this.from = settings.from ?? `no-reply@${this.messageIdHost}`;
    this.transport = settings.url
      ? createTransport(
          new SMTPPool({
            pool: true,
            url: settings.url,
            maxConnections: settings.maxConnections,
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

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transport) throw new Error('mail delivery is off: SMTP_URL is not set');
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<${mail.id}@${this.messageIdHost}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  close(): void {
    this.transport?.close();
  }
}
