import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LawService } from '../../law';
import { loadBundledVersion1 } from './policy-version.loader';

describe('loadBundledVersion1', () => {
  const version = loadBundledVersion1('示例科技', new LawService().ids());

  it('returns the published text unchanged, with the hash of exactly that text', () => {
    const onDisk = readFileSync(path.join(__dirname, '..', 'versions', 'v1', 'privacy-policy.zh-CN.md'));
    expect(Buffer.from(version.markdown, 'utf8').equals(onDisk)).toBe(true);
    expect(version.parsed.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
  });

  it('fills the operator name it is given', () => {
    const share = version.parsed.clauses.find((clause) => clause.id === 'face.share.1');
    expect(share?.text).toContain('我们不会与示例科技以外的');
  });

  it('validates rules, standings and glosses against the clauses of the same version', () => {
    const ids = version.parsed.clauses.map((clause) => clause.id);
    expect(version.rules.clauseIds).toEqual(ids);
    expect(Object.keys(version.coverage).every((id) => ids.includes(id))).toBe(true);
    expect(Object.keys(version.glosses).sort()).toEqual([...ids].sort());
    expect(version.glosses['face.retain.2']).toContain('48 hours');
  });
});
