import { Router, type RequestHandler } from 'express';
import { jsonBody, methodNotAllowed, validate, validatedData } from '@lambdalith/middleware';
import { USER_PAGE_DEFAULT_SIZE, type UserService, type UserUpdate } from '../domain/user-service';
import { callerOf } from './caller';
import { clientSource } from './client-source';
import { entityTag, parseIfMatch } from './entity-tag';
import { userResponse } from './user-response';
import { listUsersRules, updateUserRules, userIdRules } from './user-validators';

export interface UsersRoutesDependencies {
  readonly users: UserService;
  /** `authenticateCaller()`: verifies the token and loads the caller from the store. */
  readonly requireUser: RequestHandler;
  /**
   * The login route's rate limiter (per client IP), applied to a PATCH that re-authenticates with
   * `currentPassword`: each is a password check, and shares the login budget.
   */
  readonly reauthenticationRateLimit: RequestHandler;
}

/**
 * `GET /users/me`, `GET /users` (admin), and `GET|PATCH|DELETE /users/{id}` (self or admin; anyone
 * else's id is a 404). Who may do what is decided by the service.
 */
export function usersRoutes({ users, requireUser, reauthenticationRateLimit }: UsersRoutesDependencies): Router {
  const limitReauthentication = onlyWhenReauthenticating(reauthenticationRateLimit);
  const router = Router();

  // Before /users/:id, which would otherwise take "me" as an id.
  router
    .route('/users/me')
    .get(requireUser, async (req, res) => {
      const actor = callerOf(req);
      const user = await users.getUser(actor, actor.userId);
      res.setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .all(methodNotAllowed());

  router
    .route('/users')
    .get(requireUser, validate(...listUsersRules), async (req, res) => {
      const { limit, cursor } = validatedData<{ limit?: number; cursor?: string }>(req);
      const page = await users.listUsers(callerOf(req), { limit: limit ?? USER_PAGE_DEFAULT_SIZE, cursor });
      res.json({ items: page.users.map(userResponse), nextCursor: page.nextCursor });
    })
    .all(methodNotAllowed());

  router
    .route('/users/:id')
    .get(requireUser, validate(...userIdRules), async (req, res) => {
      const { id } = validatedData<{ id: string }>(req);
      const user = await users.getUser(callerOf(req), id);
      res.setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .patch(requireUser, ...jsonBody(), limitReauthentication, validate(...updateUserRules), async (req, res) => {
      const { id, ...update } = validatedData<{ id: string } & UserUpdate>(req);
      const user = await users.updateUser(
        callerOf(req),
        id,
        parseIfMatch(req.get('If-Match')),
        update,
        clientSource(req),
      );
      res.setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .delete(requireUser, validate(...userIdRules), async (req, res) => {
      const { id } = validatedData<{ id: string }>(req);
      await users.deleteUser(callerOf(req), id);
      res.status(204).end();
    })
    .all(methodNotAllowed());

  return router;
}

/** Runs `rateLimit` for a request whose parsed body carries `currentPassword`; lets the others through. */
function onlyWhenReauthenticating(rateLimit: RequestHandler): RequestHandler {
  return function reauthenticationRateLimit(req, res, next) {
    const body: unknown = req.body;
    if (typeof body === 'object' && body !== null && Object.hasOwn(body, 'currentPassword')) {
      rateLimit(req, res, next);
      return;
    }
    next();
  };
}
