/**
 * The counter of one fixed window after an increment.
 *
 * @example
 * ```ts
 * const { count, resetAtMs }: RateLimitCount = await store.increment('login:203.0.113.9', 60, Date.now());
 * ```
 */
export interface RateLimitCount {
  /** Requests counted in the current window, this one included. */
  readonly count: number;
  /** When the current window ends, in epoch milliseconds. */
  readonly resetAtMs: number;
}

/**
 * Where {@link rateLimit} counts. Implementations count in fixed windows of `windowSeconds`, aligned to the
 * epoch, and must increment atomically: with several Lambda instances, only a shared store (DynamoDB's
 * `UpdateItem ADD`, say) makes the limit hold.
 *
 * @example
 * ```ts
 * class RedisRateLimitStore implements RateLimitStore {
 *   async increment(key: string, windowSeconds: number, nowMs: number) { ... }
 * }
 * ```
 */
export interface RateLimitStore {
  increment(key: string, windowSeconds: number, nowMs: number): Promise<RateLimitCount>;
}

/**
 * The window containing `nowMs`: windows are `windowSeconds` long and aligned to the epoch, so every
 * instance agrees on them without coordination.
 *
 * @example
 * ```ts
 * const { startMs, endMs } = fixedWindow(60, Date.now());
 * ```
 */
export function fixedWindow(
  windowSeconds: number,
  nowMs: number,
): { readonly startMs: number; readonly endMs: number } {
  const windowMs = windowSeconds * 1_000;
  const startMs = Math.floor(nowMs / windowMs) * windowMs;
  return { startMs, endMs: startMs + windowMs };
}
