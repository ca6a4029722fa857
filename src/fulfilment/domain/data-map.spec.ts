import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBundledDataCategories } from '../../policy/domain/data-categories';
import { DATA_CATEGORIES, DataCategory } from '../../policy/domain/policy.types';
import { ConnectorKind, ErasureAction, loadBundledDataMap, parseDataMap } from './data-map';

const declared = loadBundledDataCategories();
const bundled = readFileSync(path.join(__dirname, '..', 'data-map.yaml'), 'utf8');

/** The message of what a broken map throws (each problem with its line). */
function problems(text: string): string {
  try {
    parseDataMap(text, declared);
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
      .replace('user_id = $1 ORDER BY id LIMIT $2)\n\n  face_basic', 'user_id = $1 ORDER BY id LIMIT 100)\n\n  face_basic');
    const message = problems(text);
    expect(message).toMatch(/categories\.account\.access\.sql must be one statement/);
    expect(message).toMatch(/categories\.device_access\.erase\.sql must use \$2/);
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
});
