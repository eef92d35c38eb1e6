import type { RequestHandler } from 'express';
import cors from 'cors';
import { assertOptionsObject, invalidOption, type OptionKeys } from '../options/assert-options';

/**
 * Options of {@link corsPolicy}.
 *
 * @example
 * ```ts
 * app.use(corsPolicy({ origins: ['https://app.example.com'], credentials: true }));
 * ```
 */
export interface CorsPolicyOptions {
  /** Browser origins allowed to call the API, exactly as browsers send them (`https://app.example.com`). */
  readonly origins: readonly string[];
  /** Allow cookies and `Authorization` from those origins (`Access-Control-Allow-Credentials`). Default `false`. */
  readonly credentials?: boolean;
}

const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
// Idempotency-Key: the IETF draft's request header, so that browsers may retry writes safely; Idempotent-Replayed
// marks a replayed response (the name Stripe uses).
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key'];
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Retry-After',
  'X-Request-Id',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Idempotent-Replayed',
];

const CORS_POLICY_OPTIONS: OptionKeys<CorsPolicyOptions> = { origins: true, credentials: true };

/**
 * CORS from an allowlist. An allowed origin is echoed in `Access-Control-Allow-Origin` (with
 * `Vary: Origin`); any other origin gets no CORS headers at all, so the browser refuses the response.
 * `*` is refused, so it can never be combined with credentials. With an empty list the middleware does nothing.
 * Express owns CORS on every host: do not also configure CORS on API Gateway, which would answer preflights itself.
 *
 * @example
 * ```ts
 * app.use(corsPolicy({ origins: ['https://app.example.com'] }));
 * ```
 */
export function corsPolicy(options: CorsPolicyOptions): RequestHandler {
  const factory = 'corsPolicy()';
  assertOptionsObject(factory, options, CORS_POLICY_OPTIONS);
  const { origins } = options;
  if (!Array.isArray(origins))
    invalidOption(factory, 'origins', 'an array of origins such as https://app.example.com', origins);
  for (const origin of origins) {
    if (!isOrigin(origin)) {
      invalidOption(
        factory,
        'origins',
        'a list of exact origins such as https://app.example.com (scheme://host[:port], no "*", no path)',
        origin,
      );
    }
  }
  const credentials = options.credentials ?? false;
  if (typeof credentials !== 'boolean') invalidOption(factory, 'credentials', 'true or false', credentials);

  if (origins.length === 0) {
    return function corsPolicyMiddleware(_req, _res, next) {
      next();
    };
  }
  const handleCors = cors({
    // A list makes cors echo only an exact match, and add `Vary: Origin` to every response, so a shared
    // cache never hands one origin's answer to another.
    origin: [...origins],
    credentials,
    methods: ALLOWED_METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
  const allowed = new Set(origins);
  return function corsPolicyMiddleware(req, res, next) {
    // Another origin gets no CORS header at all, preflight included (the cors package would still answer
    // a preflight with the allowed methods and headers): the request simply goes on without CORS.
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) {
      res.vary('Origin');
      next();
      return;
    }
    handleCors(req, res, next);
  };
}

/**
 * Whether `value` is an exact browser origin, as `corsPolicy()` accepts them: `http` or `https`, a host, an
 * optional port, nothing else (no `*`, no path, no trailing slash, no credentials), written the way browsers
 * send it in `Origin`. Exported so configuration can validate an allowlist with the same rule at startup.
 *
 * @example
 * ```ts
 * const bad = origins.filter((origin) => !isOrigin(origin)); // ['*', 'https://app.example.com/']
 * ```
 */
export function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
