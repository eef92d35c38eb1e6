import { Router, type RequestHandler } from 'express';
import { jsonBody, methodNotAllowed, validate, validatedData } from '@lambdalith/middleware';
import type { UserService } from '../domain/user-service';
import { callerOf } from './caller';
import { clientSource } from './client-source';
import { entityTag } from './entity-tag';
import { userResponse } from './user-response';
import { loginRules, registerRules } from './user-validators';

export interface AuthRoutesDependencies {
  readonly users: UserService;
  /** Rate limiters of the two anonymous routes (per client IP). */
  readonly registerRateLimit: RequestHandler;
  readonly loginRateLimit: RequestHandler;
  /** `authenticateCaller()`, for logout. */
  readonly requireUser: RequestHandler;
}

/**
 * `POST /auth/register`: anyone; creates a `user` (never an admin: unknown fields such as `role` are
 * rejected by validation, not ignored).
 * `POST /auth/login`: exchanges email and password for an access token.
 * `POST /auth/logout`: revokes every token issued to the caller so far (this one too).
 */
export function authRoutes({ users, registerRateLimit, loginRateLimit, requireUser }: AuthRoutesDependencies): Router {
  const router = Router();

  router
    .route('/auth/register')
    .post(registerRateLimit, ...jsonBody(), validate(...registerRules), async (req, res) => {
      const input = validatedData<{ email: string; password: string; name: string }>(req);
      const user = await users.register(input);
      res.status(201).location(`/users/${user.id}`).setHeader('ETag', entityTag(user.version)).json(userResponse(user));
    })
    .all(methodNotAllowed());

  router
    .route('/auth/login')
    .post(loginRateLimit, ...jsonBody(), validate(...loginRules), async (req, res) => {
      const input = validatedData<{ email: string; password: string }>(req);
      const token = await users.login({ ...input, source: clientSource(req) });
      // RFC 6749 §5.1: token responses must not be cached.
      res.setHeader('Cache-Control', 'no-store');
      res.json({ accessToken: token.accessToken, tokenType: 'Bearer', expiresIn: token.expiresIn });
    })
    .all(methodNotAllowed());

  router
    .route('/auth/logout')
    .post(requireUser, async (req, res) => {
      await users.logout(callerOf(req));
      res.status(204).end();
    })
    .all(methodNotAllowed());

  return router;
}
