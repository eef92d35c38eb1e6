import express, { type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../errors/http-errors';

/**
 * Options of {@link jsonBody}.
 *
 * @example
 * ```ts
 * router.post('/imports', jsonBody({ limit: '1mb' }), importItems);
 * ```
 */
export interface JsonBodyOptions {
  /** Largest accepted body, as bytes or a string such as `'100kb'`. Default `'100kb'`. */
  readonly limit?: number | string;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * What {@link jsonBody} returns: one middleware. It is also iterable (yielding itself), so callers written
 * for the earlier two-handler form, `...jsonBody()`, keep working.
 *
 * @example
 * ```ts
 * const parseJson: JsonBodyMiddleware = jsonBody({ limit: '10kb' });
 * ```
 */
export type JsonBodyMiddleware = RequestHandler & Iterable<RequestHandler>;

/**
 * Parses a JSON body, for the routes that take one (mount it per route, not globally, so routes without a
 * body never parse one). A body in any other media type → 415, malformed JSON → 400, over the limit → 413,
 * all as problems via `errorHandler()`.
 *
 * @example
 * ```ts
 * router.post('/auth/register', jsonBody(), validate(...registerRules), register);
 * ```
 */
export function jsonBody(options: JsonBodyOptions = {}): JsonBodyMiddleware {
  const limit = options.limit ?? '100kb';
  if (!(typeof limit === 'string' && /^\d+(\.\d+)?\s*(b|kb|mb)$/i.test(limit)) && !(typeof limit === 'number' && limit > 0)) {
    throw new TypeError(`jsonBody(): "limit" must be a positive byte count or a string like '100kb', got ${JSON.stringify(limit)}`);
  }
  const parse = express.json({ limit, type: JSON_TYPES, strict: true });

  const jsonBodyMiddleware: RequestHandler = function jsonBodyMiddleware(req, res, next) {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && req.is(JSON_TYPES) === false) {
      next(new UnsupportedMediaTypeError());
      return;
    }
    parse(req, res, next);
  };
  return Object.assign(jsonBodyMiddleware, {
    *[Symbol.iterator](): Iterator<RequestHandler> {
      yield jsonBodyMiddleware;
    },
  });
}
