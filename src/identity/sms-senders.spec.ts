import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import type { CodeMailer } from './code-mailer';
import { TextCommandError, textSenderFor } from './sms-senders';

/** The command sender against real scripts: what it passes, and what it says when one fails. */
describe('SMS_SENDER=command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sms-senders-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const script = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!${process.execPath}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const sender = (command: string) =>
    textSenderFor({ env: { SMS_SENDER: 'command', SMS_COMMAND: command } } as unknown as AppConfig, { enabled: false } as CodeMailer);

  it('passes the number as the one argument and the text on standard input, through no shell', async () => {
    const out = join(dir, 'received.json');
    const path = script(
      'record',
      `let s = ''; process.stdin.on('data', (c) => (s += c)); process.stdin.on('end', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ argv: process.argv.slice(2), s })));`,
    );
    await sender(path).send('+8613912345678', '验证码 123456; $(touch /tmp/x) `id`');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ argv: ['+8613912345678'], s: '验证码 123456; $(touch /tmp/x) `id`' });
  });

  it('fails with how the command ended, never with the number or the text', async () => {
    const path = script('fail', `process.stdout.write(process.argv[2]); process.exit(3);`);
    const failure = sender(path)
      .send('+8613912345678', 'code 123456')
      .catch((err: unknown) => err);
    const err = await failure;
    expect(err).toBeInstanceOf(TextCommandError);
    expect((err as Error).message).toBe('the SMS command exited with 3');
  });

  it('fails when there is no such program', async () => {
    await expect(sender(join(dir, 'missing')).send('+8613912345678', 'code 123456')).rejects.toThrow(/^the SMS command could not be started \(ENOENT\)$/);
  });
});
