import { randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error';
import { PageCursors } from './page-cursor';

describe('PageCursors', () => {
  const cursors = new PageCursors(randomBytes(32));
  const refusal = (open: () => unknown): unknown => {
    try {
      open();
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it('opens what it sealed, for the same list; nothing given is nothing opened', () => {
    for (const position of ['42', '9223372036854775807', 'WyIxNzY0NDAzNTAwMTIzNDU2IiwiNmYxYyJd', '长 🐉']) {
      const sealed = cursors.seal('audit', position);
      expect(sealed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
      expect(cursors.open('audit', sealed)).toBe(position);
    }
    expect(cursors.open('audit', undefined)).toBeUndefined();
  });

  it('seals the next cursor of a page, and leaves the last page alone', () => {
    const sealed = cursors.sealNext('review-queue', { items: [1], nextCursor: '7' });
    expect(cursors.open('review-queue', sealed.nextCursor ?? undefined)).toBe('7');
    expect(cursors.sealNext('review-queue', { items: [], nextCursor: null })).toEqual({ items: [], nextCursor: null });
  });

  it('refuses with 400 invalid_cursor: another list’s, another key’s, any changed character, any forged or bare value', () => {
    const sealed = cursors.seal('audit', '42');
    const changed = [...sealed].map((c, i) => `${sealed.slice(0, i)}${c === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`);
    const bad = [
      cursors.seal('review-queue', '42'),
      new PageCursors(randomBytes(32)).seal('audit', '42'),
      ...changed,
      '42',
      '9999999999999999999',
      `${Buffer.from('1').toString('base64url')}.${'A'.repeat(43)}`,
      `${sealed}.x`,
      '',
    ];
    for (const cursor of bad) {
      const err = refusal(() => cursors.open('audit', cursor));
      expect({ cursor, err }).toEqual({ cursor, err: expect.any(AppError) });
      expect(err).toMatchObject({ code: 'invalid_cursor', details: { errors: [{ field: 'cursor', messages: expect.any(Array) }] } });
    }
  });
});
