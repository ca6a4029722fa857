import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

/** What a sample app user of the operator's records (`operator_app`, src/operator-demo/) has, for a test. */
export interface SampleRows {
  /** how many page views (`access_logs`) */
  accessLogs?: number;
  /** one search (`search_history`) per keyword */
  searches?: string[];
  /** purchases (`transactions`), kept under the accounting rules a legal hold stands for */
  transactions?: { counterparty: string; item: string; amount: number }[];
  /** one face profile (`face_profiles`) per purpose listed */
  faces?: ('basic' | 'additional')[];
}

/**
 * A new app user in the sample operator records with the rows asked for, as the portal's own role
 * writes them in the tests (the sample schema lives in the portal's database); returns its id.
 */
export async function sampleAppUser(t: TestApp, rows: SampleRows = {}, displayName = '样例用户'): Promise<string> {
  const email = `app.${randomBytes(6).toString('hex')}@demo.example`;
  const [{ id }]: { id: string }[] = await t.dataSource.query(`INSERT INTO operator_app.users (display_name, email) VALUES ($1, $2) RETURNING id::text`, [
    displayName,
    email,
  ]);
  if (rows.accessLogs) {
    await t.dataSource.query(
      `INSERT INTO operator_app.access_logs (user_id, at, ip, user_agent, language, page)
       SELECT $1, now(), '203.0.113.7', 'UA', 'zh-CN', '/p/' || g FROM generate_series(1, $2::int) g`,
      [id, rows.accessLogs],
    );
  }
  for (const keywords of rows.searches ?? []) {
    await t.dataSource.query(`INSERT INTO operator_app.search_history (user_id, keywords, searched_at) VALUES ($1, $2, now())`, [id, keywords]);
  }
  for (const x of rows.transactions ?? []) {
    await t.dataSource.query(`INSERT INTO operator_app.transactions (user_id, counterparty_name, item, amount, completed_at) VALUES ($1, $2, $3, $4, now())`, [
      id,
      x.counterparty,
      x.item,
      x.amount,
    ]);
  }
  for (const [i, purpose] of (rows.faces ?? []).entries()) {
    await t.dataSource.query(`INSERT INTO operator_app.face_profiles (user_id, purpose, template, image, enrolled_at) VALUES ($1, $2, $3, $4, now())`, [
      id,
      purpose,
      Buffer.from([2 * i + 1]),
      Buffer.from([2 * i + 2]),
    ]);
  }
  return id;
}

/** How many rows of a sample table (`access_logs`, `search_history`, …) an app user has. */
export async function sampleRows(t: TestApp, table: 'access_logs' | 'search_history' | 'transactions' | 'face_profiles', appUserId: string): Promise<number> {
  const [{ n }]: { n: number }[] = await t.dataSource.query(`SELECT count(*)::int AS n FROM operator_app.${table} WHERE user_id = $1`, [appUserId]);
  return n;
}

/**
 * Runs `work` while the operator's system refuses the portal's role DELETE on `table` (a step there
 * fails as a real refusal would, SQLSTATE 42501), and gives the right back whatever happens.
 */
export async function whileDeleteRefused<T>(t: TestApp, table: string, work: () => Promise<T>): Promise<T> {
  const role = (await t.dataSource.query(`SELECT current_user AS r`))[0].r as string;
  await t.asOwner((m) => m.query(`REVOKE DELETE ON ${table} FROM "${role}"`));
  try {
    return await work();
  } finally {
    await t.asOwner((m) => m.query(`GRANT DELETE ON ${table} TO "${role}"`));
  }
}
