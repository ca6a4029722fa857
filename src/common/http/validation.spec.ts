import { AppError } from '../errors/app-error';
import { inspectInput, MAX_INPUT_DEPTH } from './validation';

/** `levels` nested arrays, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('inspectInput', () => {
  it('passes ordinary input, Chinese and emoji (paired surrogates) and U+FFFD included', () => {
    expect(inspectInput({ displayName: '张三丰 🐉 👩‍👩‍👧 \ufffd', items: [{ field: 'phone', value: '138' }], n: 1, ok: true, none: null }, '')).toEqual([]);
    expect(inspectInput('6f1c1d7e-3f0a-4b8e-9a57-1d2a3b4c5d6e', 'id')).toEqual([]);
  });

  it('names every field holding NUL or an unpaired surrogate, in strings and in keys, in the order sent', () => {
    const problems = inspectInput({ a: 'ok', b: 'x\u0000', c: ['fine', '\udc00'], d: { e: 'y\ud800' }, ['k\u0000']: 1, f: '\ud83d\udc09' }, '');
    expect(problems.map((p) => p.field)).toEqual(['b', 'c.1', 'd.e', 'k\ufffd']);
    expect(inspectInput('\u0000', 'id').map((p) => p.field)).toEqual(['id']);
    expect(inspectInput('\u0000', '').map((p) => p.field)).toEqual(['body']);
  });

  it('names prototype keys at any depth', () => {
    const body: unknown = JSON.parse('{"a":{"__proto__":{"role":"admin"}},"constructor":{"prototype":1}}');
    expect(inspectInput(body, '').map((p) => p.field)).toEqual(['a.__proto__', 'constructor']);
  });

  it(`accepts ${MAX_INPUT_DEPTH} levels and refuses one more with 400 body_too_deep`, () => {
    expect(inspectInput({ a: nested(MAX_INPUT_DEPTH - 1) }, '')).toEqual([]);
    expect(() => inspectInput({ a: nested(MAX_INPUT_DEPTH) }, '')).toThrow(expect.objectContaining({ code: 'body_too_deep' }) as AppError);
  });

  it('walks without recursion: a million levels are refused, not a stack overflow', () => {
    expect(() => inspectInput(nested(1_000_000), '')).toThrow(AppError);
  });

  it('names at most 20 fields', () => {
    expect(
      inspectInput(
        Array.from({ length: 1000 }, () => '\u0000'),
        '',
      ),
    ).toHaveLength(20);
  });
});
