import { Role } from '../src/kernel/role';
import { ConfigurationError, validateEnvironment } from '../src/config/environment';
import { DueUnit } from '../src/config/due-rule';
import { computeDueAt } from '../src/requests/domain/due-date';
import { createTestApp, TestApp } from './support/test-app';

/** Deadlines come from the settings REQUEST_DUE_<TYPE>; this file boots with non-default ones. */
describe('requests: configurable deadlines (HTTP)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REQUEST_DUE_ACCESS: '15 working days', REQUEST_DUE_DELETE_ACCOUNT: '2 hours', REQUEST_DUE_DISCLOSURE_LOG: '30 days' });
  });
  afterAll(() => t.close());

  it('counts an access request in PRC working days', async () => {
    const s = await t.user(Role.Subject);
    const res = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${s.token}`).send({ type: 'access' });
    expect(res.status).toBe(201);
    const submittedAt = new Date(res.body.submittedAt);
    expect(res.body.dueAt).toBe(computeDueAt(submittedAt, { amount: 15, unit: DueUnit.WorkingDays }).toISOString());
    // Fifteen working days are at least three calendar weeks.
    expect(Date.parse(res.body.dueAt) - submittedAt.getTime()).toBeGreaterThanOrEqual(21 * 24 * 3600 * 1000);
  });

  it('counts delete_account in hours and disclosure_log in calendar days, as configured', async () => {
    const s = await t.user(Role.Subject);
    const del = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${s.token}`).send({ type: 'delete_account', password: s.password });
    const log = await t.http.post('/api/v1/requests').set('Authorization', `Bearer ${s.token}`).send({ type: 'disclosure_log' });
    expect(Date.parse(del.body.dueAt) - Date.parse(del.body.submittedAt)).toBe(2 * 3600 * 1000);
    expect(Date.parse(log.body.dueAt) - Date.parse(log.body.submittedAt)).toBe(30 * 24 * 3600 * 1000);
  });

  it('refuses to start on a deadline it cannot read', () => {
    expect(() => validateEnvironment({ REQUEST_DUE_ACCESS: '15 weeks' })).toThrow(ConfigurationError);
    expect(() => validateEnvironment({ REQUEST_DUE_DELETE_ACCOUNT: '0 hours' })).toThrow(/REQUEST_DUE_DELETE_ACCOUNT must look like/);
    expect(validateEnvironment({ REQUEST_DUE_DISCLOSURE_LOG: '10 working days' }).REQUEST_DUE_DISCLOSURE_LOG).toBe('10 working days');
  });
});
