import { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerAddress } from 'smtp-server';

/** One message as the peer received it, decoded. */
export interface ReceivedMail {
  /** envelope recipients */
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** the SMTP user the sender authenticated as, if any */
  user?: string;
}

/** How the peer answers RCPT TO: accept (undefined), or refuse with an SMTP reply code. */
export type RecipientRule = (address: string, attempt: number) => { code: number; message: string } | undefined;

export interface SmtpPeer {
  /** e.g. smtp://portal:secret@127.0.0.1:40123 */
  url: string;
  received: ReceivedMail[];
  /** RCPT TO attempts per (lower-cased) address */
  attempts: Map<string, number>;
  /** replace how recipients are answered */
  rule: RecipientRule;
  /** how long the peer takes to accept each message, in milliseconds */
  delayMs: number;
  /** forget what was received and attempted */
  reset(): void;
  /** resolves when at least `n` messages have been received (or rejects after `timeoutMs`) */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (a free port) that keeps what it receives, for tests of notice
 * delivery. It requires authentication with the user and password in its url, offers no STARTTLS,
 * and can refuse recipients (temporarily, 4xx, or for good, 5xx) by rule.
 */
export async function startSmtpPeer(options: { delayMs?: number } = {}): Promise<SmtpPeer> {
  const received: ReceivedMail[] = [];
  const attempts = new Map<string, number>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const peer = { rule: (() => undefined) as RecipientRule, delayMs: options.delayMs ?? 0 };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'portal' && auth.password === 'secret') callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const key = address.address.toLowerCase();
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const refusal = peer.rule(key, attempt);
      if (refusal) callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMessage(Buffer.concat(chunks).toString('utf8'));
        received.push({
          ...mail,
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
        setTimeout(() => callback(), peer.delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://portal:secret@127.0.0.1:${port}`,
    received,
    attempts,
    get rule() {
      return peer.rule;
    },
    set rule(r: RecipientRule) {
      peer.rule = r;
    },
    get delayMs() {
      return peer.delayMs;
    },
    set delayMs(ms: number) {
      peer.delayMs = ms;
    },
    reset() {
      received.length = 0;
      attempts.clear();
      peer.rule = () => undefined;
      peer.delayMs = options.delayMs ?? 0;
    },
    waitFor(n, timeoutMs = 15000) {
      if (received.length >= n) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${n} messages in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseMessage(raw: string): Omit<ReceivedMail, 'to' | 'from' | 'user'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { subject: decodeWords(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n'), messageId: headers['message-id'] ?? '', headers };
}

function decodeQuotedPrintable(s: string): string {
  return quotedPrintableBytes(s).toString('utf8');
}

function quotedPrintableBytes(s: string): Buffer {
  const bytes: number[] = [];
  const input = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '=' && /^[0-9A-F]{2}$/i.test(input.slice(i + 1, i + 3))) {
      bytes.push(parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(input[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=); adjacent words are joined byte-wise. */
function decodeWords(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) => {
    const parts = [...run.matchAll(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g)].map(([, enc, text]) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintableBytes(text.replace(/_/g, ' ')),
    );
    return Buffer.concat(parts).toString('utf8');
  });
}
