import { fixedWindow, type RateLimitCount, type RateLimitStore } from './rate-limit-store';

/**
 * A {@link RateLimitStore} in process memory: for tests and single-process servers. Each Lambda instance
 * would count on its own, so use a shared store there.
 *
 * @example
 * ```ts
 * const store = new MemoryRateLimitStore();
 * app.post('/login', rateLimit({ store, limit: 5, windowSeconds: 60, keyPrefix: 'login' }), login);
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAtMs: number }>();
  private nextSweepAtMs = 0;

  async increment(key: string, windowSeconds: number, nowMs: number): Promise<RateLimitCount> {
    this.sweepExpired(nowMs);
    const { startMs, endMs } = fixedWindow(windowSeconds, nowMs);
    const windowKey = `${key}\u0000${windowSeconds}\u0000${startMs}`;
    const window = this.windows.get(windowKey) ?? { count: 0, resetAtMs: endMs };
    window.count += 1;
    this.windows.set(windowKey, window);
    return { count: window.count, resetAtMs: window.resetAtMs };
  }

  // Dropping finished windows now and then keeps memory bounded by the traffic of the current windows.
  private sweepExpired(nowMs: number): void {
    if (nowMs < this.nextSweepAtMs) return;
    this.nextSweepAtMs = nowMs + 60_000;
    for (const [key, window] of this.windows) if (window.resetAtMs <= nowMs) this.windows.delete(key);
  }
}
