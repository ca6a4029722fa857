import { DynamicModule, Global, InjectionToken, Module } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorKind } from '../errors/app-error';

/** The lists that hand out cursors; a cursor of one is refused by the others. */
export type CursorScope = 'audit' | 'review-queue' | 'legal-holds' | 'disclosures';

const SEALED = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;

export const invalidCursor = () =>
  new AppError(ErrorKind.BadRequest, 'invalid_cursor', 'The cursor is not one this list handed out; start again without it', {
    errors: [{ field: 'cursor', messages: ['cursor is not valid'] }],
  });

/**
 * Keyset cursors as clients see them: the position of the last row of a page, sealed with an HMAC
 * (`<position, base64url>.<mac>`). A client can hand back only a cursor the same list gave it, so
 * the position reaching a query is always one the database produced: a forged, altered or
 * overflowing value (a bigint past its range, a time PostgreSQL cannot hold) is a 400, never a
 * 500. The MAC covers the list's name and the position exactly as sent, so a changed character,
 * even one base64 would decode to the same bytes, is refused.
 */
export class PageCursors {
  constructor(private readonly key: Buffer) {}

  seal(scope: CursorScope, position: string): string {
    const encoded = Buffer.from(position, 'utf8').toString('base64url');
    return `${encoded}.${this.mac(scope, encoded)}`;
  }

  /** The position a cursor of this list carries (undefined when none was given); 400 `invalid_cursor` otherwise. */
  open(scope: CursorScope, cursor: string | undefined): string | undefined {
    if (cursor === undefined) return undefined;
    const parts = SEALED.exec(cursor);
    if (!parts) throw invalidCursor();
    const [, encoded, mac] = parts;
    const expected = Buffer.from(this.mac(scope, encoded), 'ascii');
    if (!timingSafeEqual(Buffer.from(mac, 'ascii'), expected)) throw invalidCursor();
    return Buffer.from(encoded, 'base64url').toString('utf8');
  }

  /** A page with its `nextCursor` sealed for the client. */
  sealNext<P extends { nextCursor: string | null }>(scope: CursorScope, page: P): P {
    return { ...page, nextCursor: page.nextCursor === null ? null : this.seal(scope, page.nextCursor) };
  }

  private mac(scope: CursorScope, encoded: string): string {
    return createHmac('sha256', this.key).update(`${scope}\n${encoded}`).digest('base64url');
  }
}

/**
 * Provides PageCursors everywhere, with a key the application supplies (derived from its secret):
 * `PageCursorsModule.forRoot({ inject: [AppConfig], useKey: (c: AppConfig) => c.key('page-cursors') })`.
 */
@Global()
@Module({})
export class PageCursorsModule {
  static forRoot<Args extends unknown[]>(options: { inject: InjectionToken[]; useKey: (...args: Args) => Buffer }): DynamicModule {
    return {
      module: PageCursorsModule,
      providers: [{ provide: PageCursors, inject: options.inject, useFactory: (...args: Args) => new PageCursors(options.useKey(...args)) }],
      exports: [PageCursors],
    };
  }
}
