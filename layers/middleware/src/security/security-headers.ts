import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet, configured for a JSON API (after the OWASP REST Security Cheat Sheet): a Content-Security-Policy
 * that allows nothing (`default-src 'none'; frame-ancestors 'none'`: a JSON response never loads anything,
 * and one rendered as a page by mistake can then run nothing), `X-Frame-Options: DENY`, `nosniff`,
 * `Referrer-Policy: no-referrer`, `Cross-Origin-Resource-Policy: same-origin`, HSTS for a year, and no
 * `X-Powered-By`. The headers that only concern HTML documents in browsers (COOP, Origin-Agent-Cluster,
 * X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) are
 * left out: they protect nothing here and every header is work on every response.
 * A route that serves HTML (API docs, say) sets its own `Content-Security-Policy`, which replaces this one.
 *
 * @example
 * ```ts
 * app.use(securityHeaders());
 * ```
 */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    xContentTypeOptions: true,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: false,
    xPoweredBy: true,
    xXssProtection: false,
  });
  return function securityHeadersMiddleware(req, res, next) {
    headers(req, res, next);
  };
}
