import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '../kernel/role';
import { AppError } from '../common/errors/app-error';
import { Public, Roles } from '../kernel/access.decorators';
import { AccessGuard } from './access.guard';

class Routes {
  undeclared(this: void): void {}

  @Public()
  open(this: void): void {}

  @Roles()
  nobody(this: void): void {}
}

const contextFor = (handler: keyof Routes): ExecutionContext =>
  ({
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ headers: {} }), getResponse: () => ({}) }),
  }) as unknown as ExecutionContext;

/** The code of the AppError `work` rejects with. */
async function refusalCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('AccessGuard fails closed', () => {
  const guard = new AccessGuard(new Reflector());

  it('refuses a route that declares no access rule, before looking at any token', async () => {
    expect(await refusalCode(guard.canActivate(contextFor('undeclared')))).toBe('no_access_rule');
  });

  it('refuses a route whose @Roles() names no role', async () => {
    expect(await refusalCode(guard.canActivate(contextFor('nobody')))).toBe('no_access_rule');
  });

  it('lets anyone through a @Public() route', async () => {
    await expect(guard.canActivate(contextFor('open'))).resolves.toBe(true);
  });

  it('answers a missing or rejected token with 401 not_authenticated', () => {
    const refusal = (() => {
      try {
        return guard.handleRequest(null, false);
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('not_authenticated');
    expect(guard.handleRequest(null, { id: 'u', role: Role.Staff })).toEqual({ id: 'u', role: Role.Staff });
  });
});
