import { AppError } from '../common/errors/app-error';
import { decodeDisclosureCursor, encodeDisclosureCursor } from './disclosure-cursor';

describe('the register list cursor', () => {
  const position = { lastMicros: '1740816000000000', id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' };

  it('reads back what it wrote', () => {
    expect(decodeDisclosureCursor(encodeDisclosureCursor(position))).toEqual(position);
  });

  it.each([
    ['not JSON', 'nope'],
    ['an object', '{"a":1}'],
    ['three parts', JSON.stringify(['1', position.id, 'x'])],
    ['a number instead of text', JSON.stringify([1, position.id])],
    ['a negative time', JSON.stringify(['-1', position.id])],
    ['a time past a bigint', JSON.stringify(['99999999999999999999', position.id])],
    ['SQL in the time', JSON.stringify(["1'; DROP TABLE disclosure_entries; --", position.id])],
    ['not an id', JSON.stringify(['1', 'abc'])],
  ])('refuses %s with 400 invalid_cursor', (_, cursor) => {
    expect(() => decodeDisclosureCursor(cursor)).toThrow(AppError);
    try {
      decodeDisclosureCursor(cursor);
    } catch (err) {
      expect(err).toMatchObject({ kind: 'bad_request', code: 'invalid_cursor' });
    }
  });
});
