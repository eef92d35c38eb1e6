import type { Request } from 'express';
import { findRequestContext, type Principal } from '../context/request-context';
import { UnauthorizedError } from '../errors/http-errors';

/**
 * The authenticated caller of a request (its request context's `principal`), typed, so routes never cast.
 * Throws a 401 {@link UnauthorizedError} when `authenticate()` did not run for this request or did not
 * succeed, so a route that forgot to mount it fails closed.
 *
 * @example
 * ```ts
 * router.get('/users/me', authenticate(authOptions), async (req, res) => {
 *   const { userId } = getAuth(req);
 *   res.json(await users.get(userId));
 * });
 * ```
 */
export function getAuth(req: Request): Principal {
  const principal = findRequestContext(req)?.principal;
  if (principal === undefined) throw new UnauthorizedError();
  return principal;
}
