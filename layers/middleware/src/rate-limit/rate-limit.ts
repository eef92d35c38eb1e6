import type { Request, RequestHandler } from 'express';
import { requestContextOf } from '../context/request-context';
import { TooManyRequestsError } from '../errors/http-errors';
import {
  assertFunction,
  assertIntegerInRange,
  assertOptionsObject,
  invalidOption,
  type OptionKeys,
} from '../options/assert-options';
import { clientAddressKey } from './client-address-key';
import type { RateLimitStore } from './rate-limit-store';

/**
 * Options of {@link rateLimit}.
 *
 * @example
 * ```ts
 * const loginLimit: RateLimitOptions = { store, limit: 10, windowSeconds: 60, keyPrefix: 'login' };
 * ```
 */
export interface RateLimitOptions {
  /** Where requests are counted; shared across instances in Lambda (the app's DynamoDB store). */
  readonly store: RateLimitStore;
  /** Requests allowed per key and window. */
  readonly limit: number;
  /** Window length in seconds. */
  readonly windowSeconds: number;
  /** Names this limiter's counters (`login`), so two limiters never share one. Letters, digits, `-`, `_`, `:`. */
  readonly keyPrefix: string;
  /**
   * Who is counted. Default: the client address from the request context: the socket's locally; in Lambda,
   * API Gateway's or the Function URL's `sourceIp`, or behind an ALB (and only there) the right-most
   * `X-Forwarded-For` entry, the one the ALB appended. Anything a client writes into `X-Forwarded-For` is
   * never counted by. IPv6 clients are counted by their /64, which one host usually owns whole.
   */
  readonly key?: (req: Request) => string;
  /** The clock, in epoch milliseconds. Default `Date.now`; tests pass their own instead of sleeping. */
  readonly now?: () => number;
}

const RATE_LIMIT_OPTIONS: OptionKeys<RateLimitOptions> = {
  store: true,
  limit: true,
  windowSeconds: true,
  keyPrefix: true,
  key: true,
  now: true,
};

/**
 * Fixed-window rate limiting: each key gets `limit` requests per `windowSeconds`; beyond that, a 429
 * problem with `Retry-After` until the window ends. Every response carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset`. A store failure fails the request (closed), never open.
 *
 * @example
 * ```ts
 * const loginLimit = rateLimit({ store, limit: 10, windowSeconds: 60, keyPrefix: 'login' });
 * router.post('/auth/login', loginLimit, jsonBody(), login);
 * ```
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const factory = 'rateLimit()';
  assertOptionsObject(factory, options, RATE_LIMIT_OPTIONS);
  const { store, limit, windowSeconds, keyPrefix } = options;
  if (typeof store !== 'object' || store === null || typeof store.increment !== 'function') {
    invalidOption(factory, 'store', 'a RateLimitStore (an object with increment(key, windowSeconds, nowMs))', store);
  }
  assertIntegerInRange(factory, 'limit', limit, 1, 1_000_000);
  assertIntegerInRange(factory, 'windowSeconds', windowSeconds, 1, 86_400);
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9:_-]{1,64}$/.test(keyPrefix)) {
    invalidOption(factory, 'keyPrefix', "1–64 letters, digits, '-', '_' or ':'", keyPrefix);
  }
  if (options.key !== undefined) assertFunction(factory, 'key', options.key);
  if (options.now !== undefined) assertFunction(factory, 'now', options.now);
  const keyOf = options.key ?? clientIp;
  const now = options.now ?? Date.now;

  return async function rateLimitMiddleware(req, res, next) {
    try {
      const nowMs = now();
      const { count, resetAtMs } = await store.increment(
        `${keyPrefix}:${keyOf(req) || 'unknown'}`,
        windowSeconds,
        nowMs,
      );
      const secondsToReset = Math.max(1, Math.ceil((resetAtMs - nowMs) / 1_000));
      res.setHeader('RateLimit-Limit', String(limit));
      res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - count)));
      res.setHeader('RateLimit-Reset', String(secondsToReset));
      next(count > limit ? new TooManyRequestsError(secondsToReset) : undefined);
    } catch (error) {
      next(error);
    }
  };
}

function clientIp(req: Request): string {
  return clientAddressKey(requestContextOf(req).sourceIp);
}
