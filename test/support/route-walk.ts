import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { Role } from '../../src/kernel/role';
import { IS_PUBLIC, ROLES } from '../../src/kernel/access.decorators';
import { ALLOWED_DURING_MFA_ENROLMENT } from '../../src/auth/access.guard';

/** One route as its controller declares it, with the access rule the global guard will read. */
export interface DeclaredRoute {
  /** `GET`, `POST`, … */
  method: string;
  /** Express form, e.g. `/api/v1/accounts/:id/role` */
  path: string;
  /** `AccountsController.changeRole`, for messages */
  handler: string;
  isPublic: boolean;
  roles: Role[] | undefined;
  allowedDuringMfaEnrolment: boolean;
  /** false for the web portal's pages (`@ApiExcludeController()`): HTML, not in the OpenAPI document */
  documented: boolean;
}

/** What `@ApiExcludeController()` of @nestjs/swagger records on a controller (its DECORATORS.API_EXCLUDE_CONTROLLER). */
const API_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

/**
 * Every route of every controller of every module the application loaded, found through Nest's
 * module container: a module added later is walked without anyone listing it here.
 */
export function declaredRoutes(app: INestApplication): DeclaredRoute[] {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const paths: unknown = Reflect.getMetadata(PATH_METADATA, handler);
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const targets = [handler, controller];
        for (const prefix of prefixes)
          for (const path of asList(paths))
            routes.push({
              method,
              path: joinPath(prefix, path),
              handler: `${controller.name}.${name}`,
              isPublic: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
              roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets),
              allowedDuringMfaEnrolment: reflector.getAllAndOverride<boolean | undefined>(ALLOWED_DURING_MFA_ENROLMENT, targets) === true,
              documented: (Reflect.getMetadata(API_EXCLUDE_CONTROLLER, controller) as boolean[] | undefined)?.[0] !== true,
            });
      }
    }
  }
  return routes;
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * What Express really answers, read from its router: used to prove the walk above misses nothing
 * that is mounted (a route registered some other way would show up here and not there).
 */
export function mountedRoutes(app: INestApplication): { method: string; path: string }[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => layer.route?.methods[m])
          .map((m) => ({ method: m.toUpperCase(), path: layer.route?.path ?? '' }))
      : [],
  );
}

/** `METHOD /path`, the key both lists are compared by. */
export const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

/** A path with every `:param` replaced by a well-formed id, to call the route for real. */
export const concretePath = (path: string): string => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');

/** Path metadata of a controller or a handler: one path, several, or none (the root). */
function asList(value: unknown): string[] {
  if (value === undefined) return ['/'];
  const paths: unknown[] = Array.isArray(value) ? value : [value];
  return paths.map((path) => {
    if (typeof path !== 'string') throw new Error(`route path metadata is not a string: ${JSON.stringify(path)}`);
    return path;
  });
}

function joinPath(prefix: string, path: string): string {
  const joined = `/${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
