import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../src/kernel/role';
import { createTestApp, TestApp, TestUser } from './support/test-app';

const V1 = readFileSync(join(__dirname, '../src/policy/versions/v1/privacy-policy.zh-CN.md'), 'utf8');
const NEW_7B = '(b)本公司保留随时修改本政策的权利。如对本政策作出重大更改，本公司会通过网站通知及站内信的形式告知。';

describe('publishing a policy version (HTTP)', () => {
  let t: TestApp;
  let admin: TestUser;
  const auth = () => ({ Authorization: `Bearer ${admin.token}` });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user(Role.Admin);
  });
  afterAll(() => t.close());

  it('previews the impact of a draft without publishing anything', async () => {
    const before = await t.tableCounts();
    const draft = V1.replace(/^\(b\)本公司保留.*$/m, NEW_7B);
    const res = await t.http.post('/api/v1/policy/impact').set(auth()).send({ markdown: draft, major: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ currentVersion: 1, nextVersion: 2, major: false, changes: { added: [], changed: ['7.b'], removed: [] } });
    expect(res.body.openRequests).toEqual([]);
    expect(await t.tableCounts()).toEqual(before);
  });

  it('refuses a text with a duplicate clause, naming the line, and publishes nothing', async () => {
    const before = await t.tableCounts();
    const duplicated = V1.replace('(b)为提供您所要求的产品和服务', '(a)为提供您所要求的产品和服务');
    const res = await t.http.post('/api/v1/policy/versions').set(auth()).send({ markdown: duplicated, major: false });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('policy_invalid');
    expect(res.body.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: expect.any(Number), message: expect.stringMatching(/3\.a|duplicate/i) })]),
    );
    expect(res.body.issues.every((i: { line: number }) => i.line > 0)).toBe(true);
    expect(await t.tableCounts()).toEqual(before);
    expect((await t.http.get('/api/v1/policy')).body.version).toBe(1);
  });

  it('refuses carried-over rules that name a clause the draft removes, with the rule line', async () => {
    const without3g = V1.replace(/^\(g\) 其它本应用根据法律.*\n/m, '');
    expect(without3g).not.toBe(V1);
    const res = await t.http.post('/api/v1/policy/versions').set(auth()).send({ markdown: without3g, major: false });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('policy_invalid');
    expect(JSON.stringify(res.body.issues)).toContain('3.g');
    expect(res.body.issues.some((i: { line: number }) => i.line > 0)).toBe(true);
    expect((await t.http.get('/api/v1/policy')).body.version).toBe(1);
  });

  it('refuses rules naming an unknown clause, with its line', async () => {
    const rules = readFileSync(join(__dirname, '../src/policy/versions/v1/rules.yaml'), 'utf8').replace(/^(\s*- )face\.retain\.2$/m, '$1face.retain.9');
    const res = await t.http.post('/api/v1/policy/versions').set(auth()).send({ markdown: V1, rules, major: false });
    expect(res.status).toBe(422);
    const issue = res.body.issues.find((i: { message: string }) => i.message.includes('face.retain.9'));
    expect(issue).toBeDefined();
    const line = rules.split('\n').findIndex((l) => l.includes('face.retain.9')) + 1;
    expect(issue.line).toBe(line);
  });

  it('publishes a minor version: new text in force, old version kept, audited with the SHA-256', async () => {
    const draft = V1.replace(/^\(b\)本公司保留.*$/m, NEW_7B);
    const res = await t.http.post('/api/v1/policy/versions').set(auth()).send({ markdown: draft, major: false, expectedCurrentVersion: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ published: true, version: 2, changes: { changed: ['7.b'] } });

    const current = await t.http.get('/api/v1/policy');
    expect(current.body).toMatchObject({ version: 2, major: false, sha256: createHash('sha256').update(draft).digest('hex') });
    expect(current.body.clauses.find((c: { id: string }) => c.id === '7.b').text).toBe(NEW_7B.replace('(b)', ''));
    const v1 = await t.http.get('/api/v1/policy/versions/1');
    expect(v1.body.clauses.find((c: { id: string }) => c.id === '7.b').text).toContain('请经常查看');
    const clause = await t.http.get('/api/v1/policy/clauses/7.b?version=1');
    expect(clause.body).toMatchObject({ id: '7.b', version: 1 });

    const [event] = await t.dataSource.query(`SELECT actor_id, data FROM audit_events WHERE action = 'policy.published' AND entity_id = '2'`);
    expect(event.actor_id).toBe(admin.id);
    expect(event.data.sha256).toBe(createHash('sha256').update(draft).digest('hex'));
    const versions = await t.http.get('/api/v1/policy/versions');
    expect(versions.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('answers 409 when the version in force moved since the impact was reviewed', async () => {
    const res = await t.http.post('/api/v1/policy/versions').set(auth()).send({ markdown: V1, major: false, expectedCurrentVersion: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'policy_version_moved', currentVersion: 2 });
  });

  it('keeps publishing to admins', async () => {
    const staff = await t.user(Role.Staff);
    const res = await t.http.post('/api/v1/policy/versions').set('Authorization', `Bearer ${staff.token}`).send({ markdown: V1, major: false });
    expect(res.status).toBe(403);
    expect((await t.http.post('/api/v1/policy/versions').send({ markdown: V1, major: false })).status).toBe(401);
  });

  it('answers clear 4xx for unknown versions, clauses and malformed parameters', async () => {
    expect((await t.http.get('/api/v1/policy/versions/99')).status).toBe(404);
    expect((await t.http.get('/api/v1/policy/versions/abc')).status).toBe(400);
    const unknown = await t.http.get('/api/v1/policy/clauses/9.z');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('clause_not_found');
    expect((await t.http.get('/api/v1/policy/clauses/DROP%20TABLE')).status).toBe(400);
    const bad = await t.http.post('/api/v1/policy/versions').set(auth()).send({ markdown: V1, major: 'yes', extra: 1 });
    expect(bad.status).toBe(400);
  });
});
