import { execFile } from 'node:child_process';
import { AppConfig } from '../config/app-config';
import type { SmsSender } from '../config/environment';
import { CodeMailer } from './code-mailer';

/** How long the SMS command may run before it is stopped and the send counts as failed. */
export const SMS_COMMAND_TIMEOUT_MS = 10_000;

/** The SMS command failed; the message says only how it ended, never the number or the text. */
export class TextCommandError extends Error {
  constructor(ended: string) {
    super(`the SMS command ${ended}`);
    this.name = 'TextCommandError';
  }
}

/** Sends a text message to a phone number (`+86` and 11 digits). */
export interface TextSender {
  /** which SMS_SENDER this is */
  readonly kind: SmsSender;
  /** false: text messages are not sent at all */
  readonly enabled: boolean;
  send(phone: string, text: string): Promise<void>;
}

/** The injection token of the TextSender SMS_SENDER chose. */
export const TEXT_SENDER = Symbol('TextSender');

/** SMS_SENDER=off: nothing is sent. */
class NoTextSender implements TextSender {
  readonly kind = 'off';
  readonly enabled = false;
  send(): Promise<void> {
    return Promise.reject(new Error('text messages are off (SMS_SENDER=off)'));
  }
}

/**
 * SMS_SENDER=smtp-gateway: an e-mail to `<digits>@SMS_GATEWAY_DOMAIN` (the number's digits with
 * the country code, `8613812345678`) through SMTP_URL; the gateway sends its body as the text.
 */
class SmtpGatewayTextSender implements TextSender {
  readonly kind = 'smtp-gateway';

  constructor(
    private readonly mailer: CodeMailer,
    private readonly domain: string,
  ) {}

  get enabled(): boolean {
    return this.mailer.enabled;
  }

  send(phone: string, text: string): Promise<void> {
    return this.mailer.send({ to: `${phone.replace(/\D/g, '')}@${this.domain}`, subject: '', text });
  }
}

/**
 * SMS_SENDER=command: SMS_COMMAND run with execFile, never through a shell, with the number as
 * its one argument and the text on its standard input. It must exit 0 within 10 seconds; it is
 * stopped after that. What it writes is not read (it could echo the number or the code).
 */
class CommandTextSender implements TextSender {
  readonly kind = 'command';
  readonly enabled = true;

  constructor(private readonly command: string) {}

  send(phone: string, text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = execFile(this.command, [phone], { timeout: SMS_COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 }, (error) => {
        if (!error) return resolve();
        // Only how it ended: its output, and the error's message (it holds the command line), may hold the number.
        const ended = error.killed
          ? `timed out after ${SMS_COMMAND_TIMEOUT_MS / 1000} s`
          : typeof error.code === 'number'
            ? `exited with ${error.code}`
            : typeof error.code === 'string'
              ? `could not be started (${error.code})`
              : `ended by ${String(error.signal)}`;
        reject(new TextCommandError(ended));
      });
      // A command that does not read its input closes the pipe early: that is its business, and its exit status says how it went.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(text);
    });
  }
}

/** The TextSender that SMS_SENDER names. */
export function textSenderFor(config: AppConfig, mailer: CodeMailer): TextSender {
  const { SMS_SENDER, SMS_GATEWAY_DOMAIN, SMS_COMMAND } = config.env;
  switch (SMS_SENDER) {
    case 'smtp-gateway':
      return new SmtpGatewayTextSender(mailer, SMS_GATEWAY_DOMAIN as string);
    case 'command':
      return new CommandTextSender(SMS_COMMAND as string);
    case 'off':
      return new NoTextSender();
  }
}
