import { randomUUID } from 'node:crypto';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { isUniqueViolation } from '../src/common/errors/database-errors';
import { Role } from '../src/kernel/role';
import { NotificationKind } from '../src/notifications/notification-kind';
import { NotificationsService } from '../src/notifications/notifications.service';
import { RequestType } from '../src/policy/domain/policy.types';
import { RequestAction } from '../src/requests/domain/request-lifecycle';
import { RequestStatus } from '../src/requests/domain/request-status';
import { Filing, FilingRepository } from '../src/requests/filing.repository';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * The filing's one statement (src/requests/filing.repository.ts), on real PostgreSQL: the rows it is
 * given, written together or not at all, pinned to the policy version in force.
 */
describe('FilingRepository', () => {
  let t: TestApp;
  let repo: FilingRepository;

  beforeAll(async () => {
    t = await createTestApp();
    repo = t.app.get(FilingRepository);
  });
  afterAll(() => t.close());

  /**
   * What a filing of an access request writes, computed as the service computes it, by a subject of
   * its own (one open request per subject and type).
   */
  const filing = async (overrides: { policyVersion?: number; receipt?: boolean } = {}): Promise<Filing> => {
    const subject: TestUser = await t.user(Role.Subject);
    const id = randomUUID();
    const submittedAt = new Date();
    const dueAt = new Date(submittedAt.getTime() + 15 * 86_400_000);
    const audit = t.app.get(AuditService).prepare({
      action: 'request.submitted',
      actor: { id: subject.id, role: Role.Subject },
      entityType: 'request',
      entityId: id,
      subjectRef: subject.subjectRef,
      data: { type: RequestType.Access },
    });
    const receipt = t.app.get(NotificationsService).prepare({
      userId: subject.id,
      kind: NotificationKind.RequestReceived,
      data: { requestId: id, requestType: RequestType.Access, dueAt: dueAt.toISOString() },
    });
    return {
      request: {
        id,
        subjectId: subject.id,
        subjectRef: subject.subjectRef,
        type: RequestType.Access,
        policyVersion: overrides.policyVersion ?? 1,
        details: {},
        represented: '',
        submittedAt,
        dueAt,
        idempotencyKey: null,
        idempotencyFingerprint: null,
      },
      entry: {
        requestId: id,
        action: RequestAction.Submit,
        fromStatus: null,
        toStatus: RequestStatus.Submitted,
        actorId: subject.id,
        actorRole: Role.Subject,
        data: { dueAt: dueAt.toISOString() },
      },
      audit,
      receipt: overrides.receipt === false ? null : receipt,
    };
  };

  /** What exists of one filing: its request, timeline entries, audit events and receipts. */
  const written = async (f: Filing) => {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM requests WHERE id = $1) AS requests,
              (SELECT count(*)::int FROM request_events WHERE request_id = $1) AS entries,
              (SELECT count(*)::int FROM audit_events WHERE id = $2) AS audits,
              (SELECT count(*)::int FROM notifications WHERE data->>'requestId' = $1::text) AS receipts`,
      [f.request.id, f.audit.id],
    );
    return row as { requests: number; entries: number; audits: number; receipts: number };
  };

  it('writes the request, its timeline entry at its submission, its audit event and its receipt, and answers the request as written', async () => {
    const f = await filing();
    const row = await repo.insert(t.dataSource.manager, f);
    expect(row).toMatchObject({ id: f.request.id, status: RequestStatus.Submitted, version: 1, policyVersion: 1, subjectId: f.request.subjectId });
    expect(row?.eventN).toMatch(/^\d+$/);
    expect(await written(f)).toEqual({ requests: 1, entries: 1, audits: 1, receipts: 1 });
    const [entry] = await t.dataSource.query(`SELECT id, at FROM request_events WHERE request_id = $1`, [f.request.id]);
    expect(entry.id).toBe(row?.eventId);
    expect(new Date(entry.at).getTime()).toBe(f.request.submittedAt.getTime());
    const [event] = await t.dataSource.query(`SELECT content_hash FROM audit_events WHERE id = $1`, [f.audit.id]);
    expect(event.content_hash).toBe(f.audit.contentHash);
  });

  it('writes no receipt when given none (a request decided at once)', async () => {
    const f = await filing({ receipt: false });
    expect(await repo.insert(t.dataSource.manager, f)).not.toBeNull();
    expect(await written(f)).toEqual({ requests: 1, entries: 1, audits: 1, receipts: 0 });
  });

  it('writes nothing and answers null when the version it is pinned to is no longer in force', async () => {
    const f = await filing({ policyVersion: 2 });
    expect(await repo.insert(t.dataSource.manager, f)).toBeNull();
    expect(await written(f)).toEqual({ requests: 0, entries: 0, audits: 0, receipts: 0 });
  });

  it('writes nothing when one part fails, and fails as TypeORM queries do (a unique violation is recognised)', async () => {
    const first = await filing();
    await repo.insert(t.dataSource.manager, first);
    // Its last parts fail: an audit event and a receipt that exist already.
    const second = { ...(await filing()), audit: first.audit, receipt: first.receipt };
    const error = await repo.insert(t.dataSource.manager, second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as { driverError?: { constraint?: string } }).driverError?.constraint).toBe('audit_events_pkey');
    expect(isUniqueViolation(error, 'audit_events_pkey')).toBe(true);
    // The one audit event with that id is the first filing's; of the second, nothing was written.
    expect(await written(second)).toEqual({ requests: 0, entries: 0, audits: 1, receipts: 0 });
  });

  it('runs in the caller’s transaction when there is one (rolled back with it), prepared once per connection', async () => {
    const preparedOnConnection = async (manager: EntityManager): Promise<string[]> =>
      (await manager.query(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'filing\\_%'`)).map((p: { name: string }) => p.name);
    const [a, b] = [await filing({ receipt: false }), await filing({ receipt: false })];
    const added = await t.dataSource
      .transaction(async (manager) => {
        const earlier = await preparedOnConnection(manager);
        for (const f of [a, b]) await repo.insert(manager, f);
        expect(await written(a)).toEqual({ requests: 0, entries: 0, audits: 0, receipts: 0 });
        const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM requests WHERE id IN ($1, $2)`, [a.request.id, b.request.id]);
        expect(n).toBe(2);
        const now = await preparedOnConnection(manager);
        throw Object.assign(new Error('roll back'), { added: now.filter((name) => !earlier.includes(name)) });
      })
      .catch((e: { added: string[] }) => e.added);
    // Two filings of one shape: one statement prepared on the connection, or none if it already was.
    expect(added.length).toBeLessThanOrEqual(1);
    for (const f of [a, b]) expect(await written(f)).toEqual({ requests: 0, entries: 0, audits: 0, receipts: 0 });
  });
});
