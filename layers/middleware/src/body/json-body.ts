import express, { type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../errors/http-errors';

/** Options of {@link jsonBody}. */
export interface JsonBodyOptions {
  /** Largest accepted body, as bytes or a string such as `'100kb'`. Default `'100kb'`. */
  readonly limit?: number | string;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Parses a JSON body, for the routes that take one (mount it per route, not globally). A body in any
 * other media type → 415, malformed JSON → 400, over the limit → 413, all as problems via `errorHandler()`.
 *
 * @example
 * ```ts
 * router.post('/auth/register', jsonBody(), validate(registerRules), register);
 * ```
 */
export function jsonBody(options: JsonBodyOptions = {}): RequestHandler[] {
  const limit = options.limit ?? '100kb';
  if (!(typeof limit === 'string' && /^\d+(\.\d+)?\s*(b|kb|mb)$/i.test(limit)) && !(typeof limit === 'number' && limit > 0)) {
    throw new TypeError(`jsonBody(): "limit" must be a positive byte count or a string like '100kb', got ${JSON.stringify(limit)}`);
  }
  const parse = express.json({ limit, type: JSON_TYPES, strict: true });

  const requireJsonMiddleware: RequestHandler = function requireJsonMiddleware(req, _res, next) {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && req.is(JSON_TYPES) === false) {
      next(new UnsupportedMediaTypeError());
      return;
    }
    next();
  };
  return [requireJsonMiddleware, parse];
}
