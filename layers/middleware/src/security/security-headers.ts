import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet, configured for a JSON API: a Content-Security-Policy that allows nothing (`default-src 'none'`;
 * a JSON response never needs to load anything, and a response rendered as a page by mistake can then run
 * nothing either), no framing, `nosniff`, `no-referrer`, HSTS for a year, and no `X-Powered-By`.
 * A route that serves HTML (API docs, say) sets its own `Content-Security-Policy` header, which replaces this one.
 *
 * @example
 * ```ts
 * app.use(securityHeaders());
 * ```
 */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    xFrameOptions: { action: 'deny' },
  });
  return function securityHeadersMiddleware(req, res, next) {
    headers(req, res, next);
  };
}
