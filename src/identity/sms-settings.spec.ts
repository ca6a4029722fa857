import { ConfigurationError, validateEnvironment } from '../config/environment';

/** The settings of phone codes, as the start-up checks them (src/config/environment.ts). */
describe('SMS_SENDER, SMS_GATEWAY_DOMAIN and SMS_COMMAND', () => {
  const problems = (raw: Record<string, string>): string[] => {
    try {
      validateEnvironment(raw);
      return [];
    } catch (err) {
      if (err instanceof ConfigurationError) return err.problems;
      throw err;
    }
  };

  it('default to off: phone codes are not sent, and nothing else is needed', () => {
    expect(validateEnvironment({}).SMS_SENDER).toBe('off');
  });

  it('take a gateway with its domain and an SMTP server', () => {
    const env = validateEnvironment({ SMS_SENDER: 'smtp-gateway', SMS_GATEWAY_DOMAIN: 'sms.example.net', SMTP_URL: 'smtp://mail.example.net:587' });
    expect([env.SMS_SENDER, env.SMS_GATEWAY_DOMAIN]).toEqual(['smtp-gateway', 'sms.example.net']);
  });

  it('take a command with its program', () => {
    const env = validateEnvironment({ SMS_SENDER: 'command', SMS_COMMAND: '/usr/local/bin/send-sms' });
    expect([env.SMS_SENDER, env.SMS_COMMAND]).toEqual(['command', '/usr/local/bin/send-sms']);
  });

  it.each([
    [{ SMS_SENDER: 'pigeon' }, 'SMS_SENDER'],
    [{ SMS_SENDER: 'smtp-gateway', SMTP_URL: 'smtp://mail.example.net' }, 'SMS_GATEWAY_DOMAIN'],
    [{ SMS_SENDER: 'smtp-gateway', SMS_GATEWAY_DOMAIN: 'sms.example.net' }, 'SMS_SENDER: smtp-gateway sends through SMTP_URL'],
    [{ SMS_SENDER: 'smtp-gateway', SMS_GATEWAY_DOMAIN: 'not a domain', SMTP_URL: 'smtp://mail.example.net' }, 'SMS_GATEWAY_DOMAIN'],
    [{ SMS_SENDER: 'smtp-gateway', SMS_GATEWAY_DOMAIN: 'user@sms.example.net', SMTP_URL: 'smtp://mail.example.net' }, 'SMS_GATEWAY_DOMAIN'],
    [{ SMS_SENDER: 'command' }, 'SMS_COMMAND'],
    [{ SMS_SENDER: 'command', SMS_COMMAND: '/usr/bin/send-sms --to' }, 'SMS_COMMAND'],
  ])('refuse %j, naming %s', (raw, named) => {
    const found = problems(raw);
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(named)).toBe(true);
  });
});
