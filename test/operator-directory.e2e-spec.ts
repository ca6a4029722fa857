import { Client } from 'pg';
import { APP_DIRECTORY, type AppDirectory } from '../src/identity/app-directory';
import { Role } from '../src/kernel/role';
import { addAppUser, appEmail, ensureOperatorUsers, setPendingCode } from './support/identity-link';
import { createTestApp, createTestDatabase, TestApp } from './support/test-app';

/**
 * With OPERATOR_DATABASE_URL set, the app users a subject proves (the identity link) and a reviewer
 * names (a represented person's account) are looked up in the operator's database, the same one
 * the data map's `postgres` system reaches, and not in the portal's own.
 */
describe('the operator’s app users in a database of their own (OPERATOR_DATABASE_URL)', () => {
  let t: TestApp;
  let operatorUrl: string;
  /** an app user only the operator's database has */
  const operatorUser = { id: '900001', email: appEmail('operator-only') };
  /** an app user only the portal's sample schema has */
  let portalUser: { id: string; email: string };

  beforeAll(async () => {
    operatorUrl = await createTestDatabase();
    const c = new Client({ connectionString: operatorUrl });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA operator_app`);
      await c.query(`CREATE TABLE operator_app.users (
        id bigserial PRIMARY KEY, display_name text NOT NULL, email text UNIQUE, phone text UNIQUE,
        gender text, birthday date, created_at timestamptz NOT NULL DEFAULT now(), disabled_at timestamptz)`);
      await c.query(`INSERT INTO operator_app.users (id, display_name, email) VALUES ($1, '运营方用户', $2)`, [operatorUser.id, operatorUser.email]);
    } finally {
      await c.end();
    }
    t = await createTestApp({ OPERATOR_DATABASE_URL: operatorUrl });
    await ensureOperatorUsers(t);
    const email = appEmail('portal-only');
    portalUser = { id: await addAppUser(t, { email }), email };
  });
  afterAll(() => t?.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('links a subject to the app user the operator’s database holds, by the code sent to its contact', async () => {
    const subject = await t.user(Role.Subject, { linked: false });
    expect((await t.http.post('/api/v1/identity/link').set(bearer(subject.token)).send({ channel: 'email', address: operatorUser.email })).status).toBe(202);
    const [challenge] = await t.dataSource.query(`SELECT app_user_ref FROM identity_challenges WHERE subject_id = $1`, [subject.id]);
    expect(challenge.app_user_ref).toBe(operatorUser.id);
    await setPendingCode(t, subject.id, '135790');
    const confirmed = await t.http.post('/api/v1/identity/link/confirm').set(bearer(subject.token)).send({ code: '135790' });
    expect(confirmed.status).toBe(200);
    const [link] = await t.dataSource.query(`SELECT app_user_ref FROM identity_links WHERE subject_id = $1`, [subject.id]);
    expect(link.app_user_ref).toBe(operatorUser.id);
  });

  it('does not find an app user that only the portal’s own sample schema holds', async () => {
    const subject = await t.user(Role.Subject, { linked: false });
    expect((await t.http.post('/api/v1/identity/link').set(bearer(subject.token)).send({ channel: 'email', address: portalUser.email })).status).toBe(202);
    const [challenge] = await t.dataSource.query(`SELECT app_user_ref FROM identity_challenges WHERE subject_id = $1`, [subject.id]);
    expect(challenge.app_user_ref).toBeNull();
    const directory = t.app.get<AppDirectory>(APP_DIRECTORY);
    await expect(directory.exists(operatorUser.id)).resolves.toBe(true);
    await expect(directory.exists(portalUser.id)).resolves.toBe(false);
    await expect(directory.findByContact('email', portalUser.email)).resolves.toBeNull();
  });
});
