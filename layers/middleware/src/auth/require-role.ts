import type { RequestHandler } from 'express';
import { ForbiddenError } from '../errors/http-errors';
import { assertNonEmptyString } from '../options/assert-options';
import { getAuth } from './get-auth';

/**
 * Lets only callers that hold `role` through; others get a 403 problem. Mount it after `authenticate()`:
 * without an authenticated caller it answers 401, so a missing `authenticate()` fails closed.
 *
 * @example
 * ```ts
 * router.get('/users', requireUser, requireRole('admin'), listUsers);
 * ```
 */
export function requireRole(role: string): RequestHandler {
  assertNonEmptyString('requireRole()', 'role', role);
  return function requireRoleMiddleware(req, _res, next) {
    const { roles } = getAuth(req);
    if (!roles.includes(role)) {
      next(new ForbiddenError('You do not have permission to do this'));
      return;
    }
    next();
  };
}
