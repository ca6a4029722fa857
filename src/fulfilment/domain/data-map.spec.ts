import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBundledDataCategories } from '../../policy/domain/data-categories';
import { DATA_CATEGORIES, DataCategory } from '../../policy/domain/policy.types';
import { ConnectorKind, DataMapSettings, ErasureAction, loadBundledDataMap, parseDataMap } from './data-map';

const declared = loadBundledDataCategories();
const bundled = readFileSync(path.join(__dirname, '..', 'data-map.yaml'), 'utf8');

/** The message of what a broken map throws (each problem with its line). */
function problems(text: string, settings?: DataMapSettings): string {
  try {
    parseDataMap(text, declared, settings);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the map was accepted');
}

describe('the data map', () => {
  it('maps every declared category to a system, with its statements, as shipped', () => {
    const map = loadBundledDataMap(declared);
    expect(Object.keys(map.categories).sort()).toEqual([...DATA_CATEGORIES].sort());
    expect(map.categories.account.system).toEqual(expect.objectContaining({ id: 'app_db', connector: ConnectorKind.Postgres }));
    expect(Object.keys(map.categories.account.correct)).toEqual(declared.find((d) => d.id === DataCategory.Account)!.correctableFields.map((f) => f.id));
    expect(map.categories.device_access.erase.action).toBe(ErasureAction.Delete);
    expect(map.categories.account.erase.action).toBe(ErasureAction.Anonymise);
    expect(map.categories.consents).toEqual(expect.objectContaining({ erase: expect.objectContaining({ action: ErasureAction.Keep }) }));
  });

  it('stops on a category without an entry, naming it', () => {
    const without = bundled.replace(/\n {2}violations:\n(?: {4}.*\n?)*/, '\n');
    expect(problems(without)).toMatch(/no system is mapped for: violations/);
  });

  it('stops on an undeclared category, an unknown connector and an unknown system, naming each with its line', () => {
    const text = bundled
      .replace('connector: portal', 'connector: ftp')
      .replace('  search_keywords:\n    system: app_db', '  search_keywords:\n    system: archive')
      .concat('\n  shoe_size:\n    system: app_db\n');
    const message = problems(text);
    expect(message).toMatch(/line \d+.*unknown connector "ftp"/);
    expect(message).toMatch(/unknown system "archive"/);
    expect(message).toMatch(/undeclared category "shoe_size"/);
  });

  it('stops on a correctable field without its statement, and a statement for a field that may not be corrected', () => {
    const text = bundled
      .replace(/\n {6}gender: UPDATE.*/, '')
      .replace('    correct:\n      display_name', '    correct:\n      password: UPDATE x SET p = $2 WHERE id = $1\n      display_name');
    const message = problems(text);
    expect(message).toMatch(/categories\.account\.correct has no statement for the correctable field\(s\): gender/);
    expect(message).toMatch(/categories\.account\.correct\.password: not a correctable field of account/);
  });

  it('checks the statements: their parameters, one statement each, and a batch size for deletions', () => {
    const text = bundled
      .replace('FROM operator_app.users WHERE id = $1\n', 'FROM operator_app.users WHERE id = $1; DROP TABLE x\n')
      .replace(
        'id > coalesce($3::bigint, 0)\n        ORDER BY id LIMIT $2) AS ids), gone AS (DELETE FROM operator_app.access_logs',
        'id > coalesce($3::bigint, 0)\n        ORDER BY id LIMIT 100) AS ids), gone AS (DELETE FROM operator_app.access_logs',
      );
    const message = problems(text);
    expect(message).toMatch(/categories\.account\.access\.sql must be one statement/);
    expect(message).toMatch(/categories\.device_access\.erase\.sql must use \$2/);
  });

  describe('the two forms of a delete statement', () => {
    const PLAIN = 'DELETE FROM operator_app.access_logs WHERE id IN (SELECT id FROM operator_app.access_logs WHERE user_id = $1 ORDER BY id LIMIT $2)';
    const withDeviceAccessErase = (sql: string, action = 'delete') =>
      bundled.replace(
        /( {2}device_access:\n(?: {4}.*\n)*? {4}erase:\n) {6}action: delete\n(?: {6,}.*\n)*/,
        (_, head: string) => `${head}      action: ${action}\n      sql: ${sql}\n`,
      );

    it('ships keyset statements ($3) where the table is indexed on (user_id, id), and the plain form elsewhere', () => {
      const map = loadBundledDataMap(declared);
      for (const c of ['device_access', 'published_content', 'transactions', 'search_keywords'] as const) expect(map.categories[c].erase.keyset).toBe(true);
      for (const c of ['face_basic', 'face_additional', 'violations'] as const) expect(map.categories[c].erase.keyset).toBeUndefined();
      expect(map.categories.account.erase.keyset).toBeUndefined();
    });

    it('accepts the plain form, without $3 (an operator’s own map)', () => {
      const map = parseDataMap(withDeviceAccessErase(PLAIN), declared);
      expect(map.categories.device_access.erase).toEqual({ action: ErasureAction.Delete, sql: PLAIN });
    });

    it('refuses a keyset statement that does not answer (rows, last), $3 in an anonymisation, and parameters past $3', () => {
      const noAnswer = withDeviceAccessErase(
        'DELETE FROM operator_app.access_logs WHERE id IN (SELECT id FROM operator_app.access_logs WHERE user_id = $1 AND id > coalesce($3::bigint, 0) ORDER BY id LIMIT $2)',
      );
      expect(problems(noAnswer)).toMatch(/categories\.device_access\.erase\.sql takes \$3 \(the last key deleted\), so it must answer one row \(rows, last\)/);
      const anonymising = withDeviceAccessErase('UPDATE operator_app.access_logs SET ip = $3 WHERE user_id = $1', 'anonymise');
      expect(problems(anonymising)).toMatch(/categories\.device_access\.erase\.sql uses \$3; it is given only \$1/);
      const fourth = withDeviceAccessErase(`${PLAIN.replace('ORDER BY id', 'AND id > $3::bigint AND id < $4::bigint ORDER BY id')} -- rows, last`);
      expect(problems(fourth)).toMatch(/categories\.device_access\.erase\.sql uses \$4; it is given only \$1 to \$3/);
    });
  });

  it('stops on an erasure that says neither what it does nor, when it keeps, why', () => {
    const text = bundled
      .replace(/reason: .*\n/, '')
      .replace(
        '    erase:\n      action: delete\n      sql: DELETE FROM operator_app.violations',
        '    erase:\n      action: shred\n      sql: DELETE FROM operator_app.violations',
      );
    const message = problems(text);
    expect(message).toMatch(/keeping a category needs a reason/);
    expect(message).toMatch(/categories\.violations\.erase\.action must be one of: delete, anonymise, keep/);
  });

  describe('http and manual systems', () => {
    const SECRET = { OPS_SECRET: 'x'.repeat(32) };
    const dev: DataMapSettings = { production: false, env: SECRET };
    const system = (lines: string) =>
      bundled.replace('\nsystems:\n', `\nsystems:\n  ops:\n${lines.replace(/^/gm, '    ')}\n    label:\n      zh-CN: 运营服务\n      en: Ops service\n`);
    const onOps = (text: string) =>
      text.replace(/\n {2}search_keywords:\n(?: {4}.*\n?)*/, '\n  search_keywords:\n    system: ops\n    find: app_user\n    erase:\n      action: delete\n');

    it('reads an http system: its URL, the setting of its secret, its timeout', () => {
      const map = parseDataMap(onOps(system('connector: http\nurl: https://ops.example.com/dsr/\nsecretEnv: OPS_SECRET\ntimeout: 5')), declared, dev);
      expect(map.categories.search_keywords.system).toEqual(
        expect.objectContaining({ connector: ConnectorKind.Http, http: { url: 'https://ops.example.com/dsr', secretEnv: 'OPS_SECRET', timeoutMs: 5000 } }),
      );
      const local = parseDataMap(onOps(system('connector: http\nurl: http://127.0.0.1:8080/dsr\nsecretEnv: OPS_SECRET')), declared, dev);
      expect(local.categories.search_keywords.system.http).toEqual(expect.objectContaining({ url: 'http://127.0.0.1:8080/dsr', timeoutMs: 30000 }));
    });

    it('stops on plain http anywhere but this machine, on any plain http in production, and on a secret not set or too short', () => {
      expect(problems(onOps(system('connector: http\nurl: http://ops.example.com/dsr\nsecretEnv: OPS_SECRET')), dev)).toMatch(
        /systems\.ops\.url: plain http is allowed only to this machine/,
      );
      expect(problems(onOps(system('connector: http\nurl: http://localhost:8080/dsr\nsecretEnv: OPS_SECRET')), { production: true, env: SECRET })).toMatch(
        /systems\.ops\.url must be https in production/,
      );
      expect(
        problems(onOps(system('connector: http\nurl: https://ops.example.com\nsecretEnv: OPS_SECRET')), { production: false, env: { OPS_SECRET: 'short' } }),
      ).toMatch(/the setting OPS_SECRET must hold the system's signing secret \(at least 32 characters\)/);
      const message = problems(onOps(system('connector: http\nurl: https://u:p@ops.example.com\ntimeout: 900')), dev);
      expect(message).toMatch(/systems\.ops\.url must carry no credentials/);
      expect(message).toMatch(/systems\.ops\.secretEnv is missing/);
      expect(message).toMatch(/systems\.ops\.timeout must be a number of seconds from 1 to 300/);
    });

    it('stops on statements for a system that runs none, and on settings of another kind of system', () => {
      const withSql = onOps(system('connector: http\nurl: https://ops.example.com\nsecretEnv: OPS_SECRET')).replace(
        '  search_keywords:\n    system: ops\n    find: app_user\n',
        '  search_keywords:\n    system: ops\n    find: app_user\n    access:\n      sql: SELECT 1 WHERE $1 IS NOT NULL\n',
      );
      expect(problems(withSql, dev)).toMatch(/categories\.search_keywords\.access is for a postgres system only \(ops is http\)/);
      const message = problems(onOps(system('connector: manual\nurl: https://ops.example.com\nowner: 档案组')), dev);
      expect(message).toMatch(/systems\.ops\.url is for an http system only/);
      expect(problems(bundled.replace('connector: postgres', 'connector: postgres\n    owner: DBA'), dev)).toMatch(
        /systems\.app_db\.owner is for a manual system only/,
      );
    });

    it('reads a manual system with the owner who is asked, and refuses to erase the portal’s own records', () => {
      const map = parseDataMap(onOps(system('connector: manual\nowner: 档案组')), declared, dev);
      expect(map.categories.search_keywords.system).toEqual(expect.objectContaining({ connector: ConnectorKind.Manual, owner: '档案组' }));
      const erasing = bundled.replace(/action: keep\n\s+reason: .*\n/, 'action: delete\n');
      expect(problems(erasing, dev)).toMatch(/categories\.consents\.erase: a portal system's records are kept/);
    });
  });
});
