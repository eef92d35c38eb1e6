import type { Request } from 'express';
import { findRequestContext, type Principal } from '../context/request-context';

// The principal lives in the request context (so logs and metrics see it); this map covers apps that
// mount authenticate() without requestContext(), so getAuth() still works there.
const principalByRequest = new WeakMap<Request, Principal>();

export function setPrincipal(req: Request, principal: Principal): void {
  principalByRequest.set(req, principal);
  const context = findRequestContext(req);
  if (context !== undefined) context.principal = principal;
}

export function findPrincipal(req: Request): Principal | undefined {
  return principalByRequest.get(req);
}
