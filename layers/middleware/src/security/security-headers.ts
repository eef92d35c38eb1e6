import type { RequestHandler } from 'express';
import { queueResultHeaders, type ResultHeaders } from '../context/lambda-invoke';

// The headers, in the order they are sent, after the OWASP REST Security Cheat Sheet. helmet produced exactly
// these with the configuration this middleware used to pass it; they are constants, so they are written out
// rather than computed per app by helmet's seven-middleware chain.
const HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['Content-Security-Policy', "default-src 'none';frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

const RESULT_HEADERS: ResultHeaders = Object.freeze(
  Object.fromEntries(HEADERS.map(([name, value]) => [name.toLowerCase(), value])),
);

/**
 * The security headers of a JSON API (after the OWASP REST Security Cheat Sheet), on every response: a
 * Content-Security-Policy that allows nothing (`default-src 'none';frame-ancestors 'none'`: a JSON response
 * never loads anything, and one rendered as a page by mistake can then run nothing), `X-Frame-Options: DENY`,
 * `nosniff`, `Referrer-Policy: no-referrer`, `Cross-Origin-Resource-Policy: same-origin`, HSTS for a year, and
 * no `X-Powered-By`. The headers that only concern HTML documents in browsers (COOP, Origin-Agent-Cluster,
 * X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) are left
 * out: they protect nothing here and every header is work on every response.
 *
 * A route that serves HTML (API docs, say) sets its own `Content-Security-Policy`, which replaces this one.
 * In Lambda (inside `withLambdaInvoke()`) the headers are added to the invocation's result rather than set on
 * the response, where they cost more than the rest of the middleware stack's headers together; the response
 * on the wire is the same, but they are not visible through `res.getHeader()` and a route cannot remove one
 * (it can replace it).
 *
 * @example
 * ```ts
 * app.use(securityHeaders());
 * ```
 */
export function securityHeaders(): RequestHandler {
  return function securityHeadersMiddleware(_req, res, next) {
    if (!queueResultHeaders(RESULT_HEADERS)) {
      for (const [name, value] of HEADERS) res.setHeader(name, value);
    }
    res.removeHeader('X-Powered-By');
    next();
  };
}
