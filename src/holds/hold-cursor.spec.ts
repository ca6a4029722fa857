import { AppError } from '../common/errors/app-error';
import { decodeHoldCursor, encodeHoldCursor } from './hold-cursor';

describe('legal holds cursor', () => {
  const position = { placedMicros: '1764620000123456', id: '6f1c1d7e-3f0a-4b8e-9a57-1d2a3b4c5d6e' };

  it('round-trips a position, microseconds included', () => {
    expect(decodeHoldCursor(encodeHoldCursor(position))).toEqual(position);
  });

  it.each([
    ['not JSON', '%%%'],
    ['an object', '{"p":"1"}'],
    ['a non-numeric time', JSON.stringify(['soon', position.id])],
    ['a time past what a timestamptz holds', JSON.stringify(['99999999999999999999', position.id])],
    ['a negative time', JSON.stringify(['-1', position.id])],
    ['a non-uuid id', JSON.stringify(['1', "1' OR 1=1"])],
    ['an extra element', JSON.stringify(['1', position.id, 3])],
  ])('refuses %s with 400 invalid_cursor', (_, cursor) => {
    let caught: unknown;
    try {
      decodeHoldCursor(cursor);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'invalid_cursor', kind: 'bad_request' });
  });
});
