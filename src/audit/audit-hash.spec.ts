import { createHash } from 'node:crypto';
import { canonicalJson, canonicalJsonbText, contentHash, GENESIS_HASH, linkHash, storedContentHash } from './audit-hash';

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

describe('audit hashing of events read back as text', () => {
  const content = {
    id: '6f1c3c5e-8f43-4a39-9b4c-0f2f8e0a4b11',
    occurredAt: '2026-11-29T10:00:00.000Z',
    action: 'request.decided',
    actorId: '0b5e3f7e-0a1e-4c1e-9d8e-6d1c2b3a4f50',
    actorRole: 'staff',
    entityType: 'request',
    entityId: 'r-"quoted"\\-\n',
    subjectRef: null,
    data: { outcome: 'granted', clauses: ['face.use.4', '7.a'], policyVersion: 3, seq: 12 },
  };

  it('hashes exactly as before: SHA-256 over the canonical JSON', () => {
    expect(contentHash(content)).toBe(createHash('sha256').update(canonicalJson(content)).digest('hex'));
    const unicode = { ...content, data: { name: '名字 🙂', é: '\u2028' } };
    expect(contentHash(unicode)).toBe(createHash('sha256').update(canonicalJson(unicode), 'utf8').digest('hex'));
    expect(linkHash(GENESIS_HASH, 7, 'ab')).toBe(createHash('sha256').update(`${GENESIS_HASH}:7:ab`).digest('hex'));
  });

  it('gives an event read back as text, data as jsonb writes it, the hash it was written with', () => {
    // jsonb's own layout: keys shortest first, ', ' and ': ' between items.
    const jsonb = '{"seq": 12, "clauses": ["face.use.4", "7.a"], "outcome": "granted", "policyVersion": 3}';
    expect(storedContentHash({ ...content, data: jsonb })).toBe(contentHash(content));
    // Any other JSON text of the same value is parsed instead, to the same hash.
    expect(storedContentHash({ ...content, data: JSON.stringify(content.data) })).toBe(contentHash(content));
    const other = { ...content, actorId: null, actorRole: null, entityId: null, subjectRef: '1c9b1f0e-2b7a-4f6e-8d51-3e0a5c7d9b24', data: {} };
    expect(storedContentHash({ ...other, data: '{}' })).toBe(contentHash(other));
    // Fields that JSON.stringify escapes, or might: quotes, backslashes, control characters, DEL, surrogates.
    for (const action of ['a"b', 'a\\b', 'tab\there', 'del\u007f', 'smile 😀', 'lone \ud800', 'line\u2028sep']) {
      const odd = { ...content, action, actorRole: action };
      expect(storedContentHash({ ...odd, data: jsonb })).toBe(contentHash(odd));
    }
    expect(storedContentHash({ ...content, data: '{"seq": 13, "clauses": ["face.use.4", "7.a"], "outcome": "granted", "policyVersion": 3}' })).not.toBe(
      contentHash(content),
    );
  });

  // Texts in jsonb's layout, and what the canonical form of their value is.
  it.each([
    ['{"b": 1, "a": {"d": [1, {"z": 1, "y": 2}], "c": "名字 🙂"}}'],
    ['{"9": 2, "a": 3, "10": 1, "__proto__": {"b": 1, "a": 2}}'],
    ['{"a": 1, "a!": 2, "a b": 3, "": 4, "A": 5}'],
    ['{"😀": 1, "！": 2, "é": 3, "z": 4}'],
    ['{"s": "a\\"b\\\\c\\n\\t\\u0001 / \\u001f", "t": "\\\\", "u": "\\\\\\""}'],
    ['{"n": [0, -1, 123456789012345, 1234567890123456789, 1.50, -0.5, 0.000001, 1000000000000000000000, 12345678901234567890.123]}'],
    ['{"x": [[], {}, [{}], [true, false, null]], "list": [null, 1]}'],
    ['{"tricky": "}, {\\"k\\": [1, 2]}, ", "k": "[\\"]"}'],
    ['[1, {"b": 1, "a": 2}]'],
    ['"a string"'],
    ['42'],
    ['null'],
  ])('writes %s as canonicalJson of its value', (text) => {
    expect(canonicalJsonbText(text)).toBe(canonicalJson(JSON.parse(text)));
  });

  it.each([
    ['compact JSON', '{"b":1,"a":2}'],
    ['a key with an escape', '{"a\\"b": 1}'],
    ['a number with an exponent', '{"a": 1e21}'],
    ['trailing text', '{"a": 1} x'],
    ['not JSON', '{"a": tru}'],
    ['escapes JSON.stringify writes otherwise', '{"a": "\\u0041\\/"}'],
  ])('leaves %s to JSON.parse', (_what, text) => {
    expect(canonicalJsonbText(text)).toBeNull();
  });
});
