import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { AppUserContact } from './app-directory';
import { CodeMailer } from './code-mailer';
import { codeEmail, codeText } from './code-messages';
import type { LinkChannel } from './link-rules';
import { TEXT_SENDER, TextCommandError, type TextSender } from './sms-senders';

/**
 * Takes a code to the app user, at the contact the operator's records hold (never the string the
 * subject typed), by e-mail or text message. In the background: the subject's answer must not
 * wait for a mail server, or how long it takes would tell whether an app user had the contact.
 * A channel that is not configured sends nothing and says so in the log; the log never names the
 * contact, the code or the app user.
 */
@Injectable()
export class CodeDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CodeDispatcher.name);
  private readonly inFlight = new Set<Promise<void>>();
  private readonly operatorName: string;

  constructor(
    config: AppConfig,
    private readonly mailer: CodeMailer,
    @Inject(TEXT_SENDER) private readonly texts: TextSender,
  ) {
    this.operatorName = config.env.OPERATOR_NAME;
  }

  /** Said once at start, as information: each code not sent is a warning of its own. */
  onApplicationBootstrap(): void {
    if (!this.mailer.enabled) this.logger.log('SMTP_URL is not set: identity codes for e-mail addresses are not sent');
    if (!this.texts.enabled) this.logger.log(`SMS_SENDER=${this.texts.kind}: identity codes for phone numbers are not sent`);
  }

  /** Whether codes for `channel` go anywhere (SMTP_URL set; SMS_SENDER not off). */
  canSend(channel: LinkChannel): boolean {
    return channel === 'email' ? this.mailer.enabled : this.texts.enabled;
  }

  /** Starts sending `code` to `user` by `channel`, and returns at once. */
  dispatch(channel: LinkChannel, user: AppUserContact, code: string): void {
    const sending = this.send(channel, user, code)
      .catch((err: unknown) => this.logger.warn({ channel, ...sendFailure(err) }, 'identity code could not be sent'))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  /** Lets codes already on their way finish (each is bounded by the mailer's and the command's time-outs). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async send(channel: LinkChannel, user: AppUserContact, code: string): Promise<void> {
    if (channel === 'email') {
      if (!user.email) return;
      if (!this.canSend(channel)) return this.notSent(channel);
      await this.mailer.send({ to: user.email, ...codeEmail(code, this.operatorName) });
    } else {
      if (!user.phone) return;
      if (!this.canSend(channel)) return this.notSent(channel);
      await this.texts.send(user.phone, codeText(code, this.operatorName));
    }
  }

  private notSent(channel: LinkChannel): void {
    this.logger.warn({ channel }, 'identity code not sent: its channel is not configured');
  }
}

/**
 * What of a failed send may be logged. Not an SMTP error's message: a server's refusal quotes the
 * recipient (`550 <user1@…>: Recipient address rejected`). Its codes say enough.
 */
function sendFailure(err: unknown): Record<string, unknown> {
  if (err instanceof TextCommandError) return { reason: err.message };
  const { code, responseCode, command } = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
  return { code, responseCode, smtpCommand: command };
}
