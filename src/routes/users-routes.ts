import { Router, type Request, type RequestHandler } from 'express';
import {
  getAuth,
  jsonBody,
  methodNotAllowed,
  requireRole,
  validate,
  validatedData,
  type Principal,
  type VerifiedClaims,
} from '@lambdalith/middleware';
import type { Actor, Role } from '../domain/user';
import type { UserService, UserUpdate } from '../domain/user-service';
import { entityTag, parseIfMatch } from './entity-tag';
import { userResponse } from './user-response';
import { LIST_DEFAULT_LIMIT, listUsersRules, updateUserRules, userIdRules } from './user-validators';

export interface UsersRoutesDependencies {
  readonly users: UserService;
  /** `authenticate()`, with the principal loaded from the store on every request. */
  readonly requireUser: RequestHandler;
}

/**
 * `GET /users/me`, `GET /users` (admin), and `GET|PATCH|DELETE /users/{id}` (self or admin; anyone
 * else's id is a 404). Authorisation rules beyond "admin only" live in the service.
 */
export function usersRoutes({ users, requireUser }: UsersRoutesDependencies): Router {
  const router = Router();

  // Before /users/:id, which would otherwise take "me" as an id.
  router
    .route('/users/me')
    .get(requireUser, async (req, res) => {
      const actor = actorOf(req);
      const user = await users.getUser(actor, actor.userId);
      res.setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .all(methodNotAllowed());

  router
    .route('/users')
    .get(requireUser, requireRole('admin'), validate(...listUsersRules), async (req, res) => {
      const { limit, cursor } = validatedData<{ limit?: number; cursor?: string }>(req);
      const page = await users.listUsers(actorOf(req), { limit: limit ?? LIST_DEFAULT_LIMIT, cursor });
      res.json({ items: page.users.map(userResponse), nextCursor: page.nextCursor });
    })
    .all(methodNotAllowed());

  router
    .route('/users/:id')
    .get(requireUser, validate(...userIdRules), async (req, res) => {
      const { id } = validatedData<{ id: string }>(req);
      const user = await users.getUser(actorOf(req), id);
      res.setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .patch(requireUser, ...jsonBody(), validate(...updateUserRules), async (req, res) => {
      const { id, ...update } = validatedData<{ id: string } & UserUpdate>(req);
      const user = await users.updateUser(actorOf(req), id, parseIfMatch(req.get('If-Match')), update);
      res.setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .delete(requireUser, validate(...userIdRules), async (req, res) => {
      const { id } = validatedData<{ id: string }>(req);
      await users.deleteUser(actorOf(req), id);
      res.status(204).end();
    })
    .all(methodNotAllowed());

  return router;
}

function actorOf(req: Request): Actor {
  const principal = getAuth(req);
  const role: Role = principal.roles.includes('admin') ? 'admin' : 'user';
  return { userId: principal.userId, role };
}

/** `authenticate()`'s `loadPrincipal`: the token's subject, as the store knows it now (`undefined` → 401). */
export function principalLoader(users: UserService): (claims: VerifiedClaims) => Promise<Principal | undefined> {
  return async function loadUserPrincipal(claims) {
    const actor = await users.actorFor(claims.sub);
    return actor === undefined ? undefined : { userId: actor.userId, roles: [actor.role], claims };
  };
}
