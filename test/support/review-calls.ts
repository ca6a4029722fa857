import { Role } from '../../src/kernel/role';
import { TestApp, TestUser } from './test-app';

/** The calls the review tests make, over one test app: as a reviewer, as legal, and filing as a new subject. */
export function reviewCalls(app: () => TestApp) {
  const auth = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const staffPost = (u: TestUser, id: string, action: string, body: object = {}) =>
    app().http.post(`/api/v1/staff/requests/${id}/${action}`).set(auth(u)).send(body);
  /** Legal's answer to a refusal or partial decision staff proposed (four eyes). */
  const legalPost = (u: TestUser, id: string, action: 'confirm' | 'replace', body: object = {}) =>
    app().http.post(`/api/v1/legal/requests/${id}/${action}`).set(auth(u)).send(body);
  /** A request of `type` by a new subject, claimed by `holder`. */
  const held = async (type: string, holder: TestUser): Promise<{ s: TestUser; id: string }> => {
    const s = await app().user(Role.Subject);
    const res = await app()
      .http.post('/api/v1/requests')
      .set(auth(s))
      .send(type === 'delete_account' ? { type, password: s.password } : { type });
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
    const claimed = await staffPost(holder, res.body.id as string, 'claim');
    if (claimed.status !== 200) throw new Error(`claim failed: ${claimed.status} ${JSON.stringify(claimed.body)}`);
    return { s, id: res.body.id as string };
  };
  return { auth, staffPost, legalPost, held };
}
