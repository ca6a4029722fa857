import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { MAX_SKEW_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../src/fulfilment/connectors/http-signature';
import { freePort } from '../setup/free-port';

/** How the service answers: as the contract says, too late, with garbage, or cut short. */
export type ServiceMode = 'ok' | 'slow' | 'garbage' | 'truncated';

/** One call the service received, after checking its signature. */
export interface ServiceCall {
  path: string;
  body: Record<string, unknown>;
  /** why the signature check refused it, or null */
  refused: string | null;
}

/** An app user's records as the operator's service holds them. */
export interface ServiceUser {
  account: Record<string, string | null>;
  searches: { keywords: string; searched_at: string }[];
}

/**
 * The operator's HTTP service, implementing the contract of README "Connectors" for two
 * categories (account: export, correct, anonymise; search_keywords: export, delete in batches):
 * a real server on a free port of this machine, checking each call's HMAC signature and timestamp
 * with the reference check, as an operator's own service would.
 */
export interface OperatorService {
  url: string;
  mode: ServiceMode;
  users: Map<string, ServiceUser>;
  calls: ServiceCall[];
  /** the clock the service checks timestamps against (skew tests move it) */
  clockOffsetMs: number;
  close(): Promise<void>;
}

export async function startOperatorService(secret: string, slowMs = 3000): Promise<OperatorService> {
  const port = await freePort();
  const pending = new Set<NodeJS.Timeout>();
  const service: OperatorService = {
    url: `http://127.0.0.1:${port}/dsr`,
    mode: 'ok',
    users: new Map(),
    calls: [],
    clockOffsetMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(timer);
        resolve();
      }, ms);
      pending.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A caller that gave up (its timeout) gets nothing done: the service acts only for a caller still waiting.
    let abandoned = false;
    res.on('close', () => (abandoned = !res.writableFinished));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '';
    const refused = verifySignature(
      secret,
      {
        method: req.method ?? '',
        path,
        body: text,
        timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
        signature: req.headers[SIGNATURE_HEADER] as string | undefined,
      },
      Date.now() + service.clockOffsetMs,
    );
    const body = JSON.parse(text || '{}') as Record<string, unknown>;
    service.calls.push({ path, body, refused });
    if (refused) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: refused, maxSkewSeconds: MAX_SKEW_SECONDS }));
      return;
    }
    if (service.mode === 'slow') await later(slowMs);
    if (abandoned) return;
    if (service.mode === 'garbage') {
      res.writeHead(200, { 'content-type': path.endsWith('/export') ? 'application/x-ndjson' : 'application/json' }).end('<html>Service Unavailable</html>\n');
      return;
    }
    const user = service.users.get(String(body.appUser));
    if (path === '/dsr/export') {
      const rows = !user ? [] : body.category === 'account' ? [user.account] : user.searches;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const row of rows) res.write(`${JSON.stringify({ row })}\n`);
      res.end(service.mode === 'truncated' ? '' : `${JSON.stringify({ end: { rows: rows.length } })}\n`);
      return;
    }
    if (path === '/dsr/correct') {
      if (!user || body.category !== 'account') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"applied":false}');
      user.account[String(body.field)] = String(body.value);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ applied: true, value: user.account[String(body.field)] }));
      return;
    }
    if (path === '/dsr/erase') {
      let rows = 0;
      let done = true;
      if (user && body.category === 'search_keywords') {
        rows = user.searches.splice(0, Number(body.batchSize)).length;
        done = user.searches.length === 0;
      } else if (user && body.category === 'account' && user.account.email !== null) {
        user.account = { display_name: '已注销用户', email: null, phone: null };
        rows = 1;
      }
      // Truncated, for an erasure: an answer that says how many rows but not whether it is done.
      const answer = service.mode === 'truncated' ? { rows } : { rows, done };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      return;
    }
    res.writeHead(404).end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return service;
}
