import { AppError } from '../common/errors/app-error';
import { decodeCursor, encodeCursor } from './queue-cursor';

describe('queue cursor', () => {
  const position = { dueMicros: '1764403500123456', id: '6f1c1d7e-3f0a-4b8e-9a57-1d2a3b4c5d6e' };

  it('round-trips a position, microseconds included', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['a JSON object', Buffer.from('{"d":"1"}').toString('base64url')],
    ['a non-numeric time', Buffer.from(JSON.stringify(['soon', position.id])).toString('base64url')],
    ['a non-uuid id', Buffer.from(JSON.stringify(['1', "1' OR 1=1"])).toString('base64url')],
    ['an extra element', Buffer.from(JSON.stringify(['1', position.id, 3])).toString('base64url')],
  ])('refuses %s with 400 invalid_cursor', (_, cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'invalid_cursor' });
  });
});
