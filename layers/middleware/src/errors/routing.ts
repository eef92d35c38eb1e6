import type { RequestHandler } from 'express';
import { MethodNotAllowedError, NotFoundError } from './http-errors';

/**
 * Mount after all routes: every request that reached it matched no route, so it becomes a 404 problem.
 *
 * @example
 * ```ts
 * app.use(routes);
 * app.use(notFound());
 * ```
 */
export function notFound(): RequestHandler {
  return function notFoundMiddleware(_req, _res, next) {
    next(new NotFoundError('No route matches this path'));
  };
}

/**
 * Mount as the last handler of a route (`router.route(path)....all(methodNotAllowed())`): the path
 * matched but the method did not, so it becomes a 405 problem whose `Allow` header lists the methods the
 * route declares (plus `HEAD` where `GET` is served, as Express does).
 *
 * @example
 * ```ts
 * router.route('/health').get(health).all(methodNotAllowed());
 * ```
 */
export function methodNotAllowed(): RequestHandler {
  return function methodNotAllowedMiddleware(req, _res, next) {
    const declared = Object.keys((req.route as { methods?: Record<string, boolean> } | undefined)?.methods ?? {})
      .filter((method) => method !== '_all')
      .map((method) => method.toUpperCase());
    if (declared.includes('GET') && !declared.includes('HEAD')) declared.push('HEAD');
    next(new MethodNotAllowedError(declared.sort()));
  };
}
