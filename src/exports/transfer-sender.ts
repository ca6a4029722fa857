import { createHash } from 'node:crypto';
import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Injectable } from '@nestjs/common';
import { AllowedNetworks } from '../common/net/reachable-address';
import { AppConfig } from '../config/app-config';
import { TransferSigningKey, transferSigningInput } from './transfer-signing-key';

/** The most of a receiver's answer that is read and kept (its hash covers what was read). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** What the portal keeps of a copy sent to another handler: the proof it was sent, and what they answered. */
export interface TransferReceipt {
  to: { name: string; endpoint: string };
  sentAt: string;
  /** the receiver's HTTP status (2xx) */
  status: number;
  bytes: number;
  /** SHA-256 of the copy as sent (hex) */
  contentSha256: string;
  /** the key the call was signed with (GET /api/v1/transfers/signing-key) */
  keyId: string;
  /** the receiver's own reference, when its answer is JSON with a `receipt` string */
  receipt: string | null;
  /** SHA-256 of the receiver's answer (hex), as read (at most 64 KiB) */
  answerSha256: string;
}

/** Why a transfer failed, as a reason code shown on the request; the step is retried from the start. */
export class TransferFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const TLS_CODES = /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_TLS_|ERR_SSL_)/;

function reasonOf(err: unknown): string {
  if (err instanceof TransferFailed) return err.reason;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'name_not_found';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (TLS_CODES.test(code)) return 'tls_error';
  return 'connection_failed';
}

/**
 * Sends the copy a copy_transfer request made to the handler the subject named (PIPL Art. 45
 * para. 3), once the decision approved the transfer: one HTTPS POST of the JSON copy, signed with
 * the portal's Ed25519 key over the timestamp, method, path and the copy's SHA-256 (README,
 * "Sending a copy to another handler"), with the request id as its Idempotency-Key so that a retry
 * after a lost answer is recognised. The receiver must answer 2xx within TRANSFER_TIMEOUT_MS.
 *
 * Only HTTPS, with the certificate checked (the system's roots, and TRANSFER_CA_FILE's), and only
 * to public addresses: every address the name resolves to is checked when the connection is made,
 * not only at filing, so a name that resolves differently by now is refused too (`private_address`).
 */
@Injectable()
export class TransferSender {
  private readonly networks: AllowedNetworks;
  private readonly ca: string[] | undefined;
  private readonly timeoutMs: number;

  constructor(
    config: AppConfig,
    private readonly key: TransferSigningKey,
  ) {
    this.networks = new AllowedNetworks(config.env.TRANSFER_ALLOWED_NETWORKS);
    const file = config.env.TRANSFER_CA_FILE;
    this.ca = file ? [...rootCertificates, readFileSync(file, 'utf8')] : undefined;
    this.timeoutMs = config.env.TRANSFER_TIMEOUT_MS;
  }

  /** `body` is read twice: once for its hash and size, once to send it. */
  async send(requestId: string, to: { name: string; endpoint: string }, body: () => AsyncIterable<Buffer>): Promise<TransferReceipt> {
    const url = new URL(to.endpoint);
    if (url.protocol !== 'https:') throw new TransferFailed('not_https');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) && !this.networks.reachable(host)) throw new TransferFailed('private_address');
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const part of body()) {
      hash.update(part);
      bytes += part.length;
    }
    const contentSha256 = hash.digest('hex');
    const sentAt = new Date().toISOString();
    const path = `${url.pathname}${url.search}`;
    const signature = this.key.sign(transferSigningInput(sentAt, 'POST', path, contentSha256));

    const { status, answer } = await new Promise<{ status: number; answer: Buffer }>((resolve, reject) => {
      const req = request(
        {
          hostname: host,
          port: url.port || 443,
          path,
          method: 'POST',
          ...(this.ca && { ca: this.ca }),
          ...(!isIP(host) && { servername: host }),
          lookup: this.lookup,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': String(bytes),
            'Idempotency-Key': requestId,
            'X-DSR-Request-Id': requestId,
            'X-DSR-Timestamp': sentAt,
            'X-DSR-Content-SHA256': contentSha256,
            'X-DSR-Key-Id': this.key.keyId,
            'X-DSR-Signature': `ed25519=${signature}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            if (read >= MAX_ANSWER_BYTES) return;
            const piece = chunk.subarray(0, MAX_ANSWER_BYTES - read);
            chunks.push(piece);
            read += piece.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, answer: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      const deadline = setTimeout(() => req.destroy(new TransferFailed('timeout')), this.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('error', reject);
      void (async () => {
        for await (const part of body()) if (!req.write(part)) await once(req, 'drain');
        req.end();
      })().catch((err: Error) => req.destroy(err));
    }).catch((err: unknown) => {
      throw new TransferFailed(reasonOf(err));
    });
    if (status < 200 || status > 299) throw new TransferFailed(`http_${status}`);
    return {
      to,
      sentAt,
      status,
      bytes,
      contentSha256,
      keyId: this.key.keyId,
      receipt: receiptOf(answer),
      answerSha256: createHash('sha256').update(answer).digest('hex'),
    };
  }

  /** The resolver the connection uses: it refuses a name with any address a copy may not go to. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      if (addresses.length === 0 || addresses.some((a) => !this.networks.reachable(a.address))) return callback(new TransferFailed('private_address'), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** The receiver's own reference: `receipt` of a JSON answer, when it is a short string. */
function receiptOf(answer: Buffer): string | null {
  try {
    const parsed: unknown = JSON.parse(answer.toString('utf8'));
    const receipt = (parsed as { receipt?: unknown } | null)?.receipt;
    return typeof receipt === 'string' && receipt.length > 0 && receipt.length <= 200 ? receipt : null;
  } catch {
    return null;
  }
}
