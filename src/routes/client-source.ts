import type { Request } from 'express';
import { clientAddressKey, requestContextOf } from '@lambdalith/middleware';

/**
 * Who is knocking, as the rate limiter counts it: the client address key of the request (an IPv6 client by
 * its /64). Passed to the domain as an opaque string, to count password failures per account and source.
 */
export function clientSource(req: Request): string {
  return clientAddressKey(requestContextOf(req).sourceIp) || 'unknown';
}
