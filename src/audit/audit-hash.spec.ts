import { canonicalJson, contentHash, GENESIS_HASH, linkHash } from './audit-hash';

describe('audit hashing', () => {
  const content = {
    id: '6f1c3c5e-8f43-4a39-9b4c-0f2f8e0a4b11',
    occurredAt: '2026-11-29T10:00:00.000Z',
    action: 'account.registered',
    actorId: null,
    actorRole: null,
    entityType: 'user',
    entityId: 'x',
    subjectRef: null,
    data: { b: 1, a: { d: [1, { z: 1, y: 2 }], c: '名字 🙂' } },
  };

  it('writes objects with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
  });

  it('hashes the same content the same way whatever the key order', () => {
    const reordered = { ...content, data: { a: { c: '名字 🙂', d: [1, { y: 2, z: 1 }] }, b: 1 } };
    expect(contentHash(reordered)).toBe(contentHash(content));
  });

  it('changes the hash when any field changes', () => {
    const base = contentHash(content);
    expect(contentHash({ ...content, action: 'account.deleted' })).not.toBe(base);
    expect(contentHash({ ...content, data: { ...content.data, b: 2 } })).not.toBe(base);
    expect(contentHash({ ...content, occurredAt: '2026-11-29T10:00:00.001Z' })).not.toBe(base);
  });

  it('binds a link to its position and predecessor', () => {
    const h = contentHash(content);
    expect(linkHash(GENESIS_HASH, 1, h)).not.toBe(linkHash(GENESIS_HASH, 2, h));
    expect(linkHash(GENESIS_HASH, 1, h)).not.toBe(linkHash('a'.repeat(64), 1, h));
    expect(linkHash(GENESIS_HASH, 1, h)).toMatch(/^[0-9a-f]{64}$/);
  });
});
