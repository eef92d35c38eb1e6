import type { Request, RequestHandler } from 'express';
import { authenticate, getAuth, type AuthenticateOptions, type Principal } from '@lambdalith/middleware';
import type { Actor } from '../domain/user';
import type { UserService } from '../domain/user-service';

/** How `authenticate()` verifies the app's tokens: its options, less the principal loader added here. */
export type TokenVerification = Omit<AuthenticateOptions, 'loadPrincipal'>;

/** The principal of this app: the middleware's, carrying the domain's actor as the store knows it now. */
interface ActorPrincipal extends Principal {
  readonly actor: Actor;
}

/**
 * `authenticate()` for the app's routes: verifies the token, then loads the caller from the store on every
 * request (a deleted user's token stops working, a demoted admin loses admin at once, not when the token
 * expires, and a token issued before a password, email or role change or a logout is refused). The domain's {@link Actor} is made here, once, and read by {@link callerOf}.
 */
export function authenticateCaller(users: UserService, verification: TokenVerification): RequestHandler {
  return authenticate({
    ...verification,
    loadPrincipal: async function loadActorPrincipal(claims): Promise<ActorPrincipal | undefined> {
      // The app's tokens carry the generation they were issued in; a provider's carry none (see isTokenCurrent).
      const generation = claims['gen'];
      if (generation !== undefined && !(typeof generation === 'number' && Number.isSafeInteger(generation)))
        return undefined;
      const actor = await users.actorFor(claims.sub, {
        generation: typeof generation === 'number' ? generation : undefined,
        issuedAt: claims.iat,
      });
      // `roles` is what the middleware package logs and offers to requireRole(); decisions use `actor`.
      return actor === undefined ? undefined : { userId: actor.userId, roles: [actor.role], claims, actor };
    },
  });
}

/** The caller of a request that went through {@link authenticateCaller}, as the domain's actor. */
export function callerOf(req: Request): Actor {
  const principal: Principal & { readonly actor?: Actor } = getAuth(req);
  if (principal.actor === undefined) {
    throw new Error('callerOf(): the principal has no actor; mount authenticateCaller() on this route');
  }
  return principal.actor;
}
