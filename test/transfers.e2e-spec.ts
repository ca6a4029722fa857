import { execFileSync } from 'node:child_process';
import { createHash, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportJob } from '../src/exports';
import { Role } from '../src/kernel/role';
import { reviewCalls } from './support/review-calls';
import { sampleAppUser } from './support/sample-app-user';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/** What the receiving handler does with the next call. */
type Mode = 'receipt' | 'error' | 'silent';

/**
 * A copy_transfer approved for another handler is sent there over HTTPS, signed with the portal's
 * published key, and the receipt kept on the request; a receiver that fails or does not answer
 * fails the step visibly and retryably; an address that is not public is refused when sending.
 * The receiver is a real HTTPS server of the test's own, with a certificate made for it.
 */
describe('fulfilment: a copy sent to another handler', () => {
  let t: TestApp;
  let staff: TestUser;
  let server: Server;
  let base: string;
  let mode: Mode = 'receipt';
  const received: { headers: IncomingHttpHeaders; body: Buffer; path: string }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'dsr-transfer-'));
  const { auth, staffPost } = reviewCalls(() => t);
  const all = { identityVerified: true, providedByConsentOrContract: true, technicallyFeasible: true, noHarmToOthers: true };

  const appUser = (): Promise<string> => sampleAppUser(t, { searches: ['登山鞋'] }, '转移用户');
  const approved = async (decision: object, endpoint = `${base}/inbox?from=portal`) => {
    const s = await t.user(Role.Subject, { appUser: await appUser() });
    const filed = await t.http
      .post('/api/v1/requests')
      .set(auth(s))
      .send({ type: 'copy_transfer', format: 'json', sendTo: { name: '另一家公司', endpoint } });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    expect((await staffPost(staff, id, 'claim')).status).toBe(200);
    expect((await staffPost(staff, id, 'decision', decision)).status).toBe(200);
    return { s, id };
  };
  const approve = { outcome: 'approve', clauses: ['1.a'], law: ['PIPL.45', 'NDSMR.25'], transfer: all };
  const completion = async (id: string) =>
    (await t.dataSource.query(`SELECT data FROM request_events WHERE request_id = $1 AND action = 'complete'`, [id]))[0]?.data as
      Record<string, unknown> | undefined;
  const page = async (id: string) => (await t.http.get(`/api/v1/staff/requests/${id}`).set(auth(staff))).body;

  beforeAll(async () => {
    // A certificate for the receiver at 127.0.0.1, trusted by the portal through TRANSFER_CA_FILE.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks), path: req.url ?? '' });
        if (mode === 'silent') return; // never answers
        if (mode === 'error') {
          res.writeHead(500).end('down for maintenance');
          return;
        }
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ receipt: `R-${received.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp({ TRANSFER_CA_FILE: join(dir, 'cert.pem'), TRANSFER_ALLOWED_NETWORKS: '127.0.0.1/32', TRANSFER_TIMEOUT_MS: '1500' });
    staff = await t.user(Role.Staff);
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the JSON copy, signed with the published key, and keeps the receipt on the request', async () => {
    mode = 'receipt';
    const { id } = await approved(approve);
    const before = received.length;
    await t.app.get(ExportJob).run(id);
    expect(received.length).toBe(before + 1);
    const call = received[received.length - 1];
    expect(call.path).toBe('/inbox?from=portal');
    const copy = JSON.parse(call.body.toString('utf8'));
    expect(copy.request).toEqual(expect.objectContaining({ id, type: 'copy_transfer' }));
    expect(copy.categories.find((c: { category: string }) => c.category === 'search_keywords').rows).toEqual([expect.objectContaining({ keywords: '登山鞋' })]);

    // The receiver checks the call with the key the portal publishes.
    const key = (await t.http.get('/api/v1/transfers/signing-key')).body;
    expect(key).toEqual(expect.objectContaining({ algorithm: 'Ed25519', keyId: call.headers['x-dsr-key-id'] }));
    const sha = createHash('sha256').update(call.body).digest('hex');
    expect(call.headers['x-dsr-content-sha256']).toBe(sha);
    expect(call.headers['idempotency-key']).toBe(id);
    const signed = `${String(call.headers['x-dsr-timestamp'])}\nPOST\n/inbox?from=portal\n${sha}`;
    const signature = Buffer.from(String(call.headers['x-dsr-signature']).replace(/^ed25519=/, ''), 'base64');
    expect(verify(null, Buffer.from(signed), key.publicKeyPem, signature)).toBe(true);
    expect(verify(null, Buffer.from(signed.replace('POST', 'PUT')), key.publicKeyPem, signature)).toBe(false);

    expect((await page(id)).status).toBe('completed');
    expect((await completion(id))?.transfer).toEqual(
      expect.objectContaining({ status: 201, receipt: `R-${received.length}`, contentSha256: sha, bytes: call.body.length, keyId: key.keyId }),
    );
  });

  it('fails the step visibly when the receiver errs or does not answer, and sends again when retried', async () => {
    mode = 'error';
    const { id } = await approved(approve);
    await t.app.get(ExportJob).run(id);
    let shown = await page(id);
    expect([shown.status, shown.export]).toEqual([
      'fulfilling',
      expect.objectContaining({ status: 'failed', failure: expect.objectContaining({ step: 'transfer', reason: 'http_500' }) }),
    ]);
    expect((await t.http.get('/api/v1/staff/requests?failing=true').set(auth(staff))).body.items.map((i: { id: string }) => i.id)).toContain(id);

    mode = 'silent';
    expect((await staffPost(staff, id, 'retry')).status).toBe(200);
    await t.app.get(ExportJob).run(id);
    shown = await page(id);
    expect([shown.status, shown.export.failure.reason]).toEqual(['fulfilling', 'timeout']);

    mode = 'receipt';
    await t.app.get(ExportJob).run(id);
    expect((await page(id)).status).toBe('completed');
    // Every try carried the same Idempotency-Key: the receiver can tell a repeat from a new copy.
    expect(new Set(received.filter((r) => r.headers['idempotency-key'] === id).map((r) => r.headers['idempotency-key']))).toEqual(new Set([id]));
    expect(received.filter((r) => r.headers['idempotency-key'] === id).length).toBe(3);
  });

  it('refuses, when sending, an address that is not public, and sends nothing for a declined transfer', async () => {
    mode = 'receipt';
    const { id } = await approved(approve);
    // As if the endpoint now led into the operator's own network.
    await t.dataSource.query(`UPDATE requests SET details = jsonb_set(details, '{sendTo,endpoint}', '"https://192.168.10.20/inbox"') WHERE id = $1`, [id]);
    const before = received.length;
    await t.app.get(ExportJob).run(id);
    expect((await page(id)).export.failure).toEqual(expect.objectContaining({ step: 'transfer', reason: 'private_address' }));
    expect(received.length).toBe(before);

    const { id: declined } = await approved({
      outcome: 'partial',
      clauses: [],
      law: ['NDSMR.25'],
      transfer: { ...all, noHarmToOthers: false },
      reason: '副本含他人信息，不予转移；副本已提供给您本人。',
    });
    // A partial decision waits for legal's confirmation (four eyes) before it stands.
    const legal = await t.user(Role.Legal);
    expect((await t.http.post(`/api/v1/legal/requests/${declined}/confirm`).set(auth(legal)).send({})).status).toBe(200);
    await t.app.get(ExportJob).run(declined);
    expect((await page(declined)).status).toBe('completed');
    expect((await completion(declined))?.transfer).toEqual({ declined: true, to: { name: '另一家公司', endpoint: `${base}/inbox?from=portal` } });
    expect(received.length).toBe(before);
  });
});
