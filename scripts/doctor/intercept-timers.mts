// Records intervals created while the module loads (module-level timers) and every timer a probe request
// schedules (work that may still be pending after its response).
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import { observed, sighting } from './observations.mts';

type TimerFunction = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => NodeJS.Timeout;

export function interceptTimers(): void {
  for (const kind of ['setInterval', 'setTimeout'] as const) {
    const original = globalThis[kind] as unknown as TimerFunction;
    const recorded: TimerFunction = function recordedTimer(this: unknown, ...args) {
      const timer = original.apply(this, args);
      const seen = sighting();
      if (seen.phase.kind === 'request' || (kind === 'setInterval' && seen.phase.kind === 'load'))
        observed.timers.push({ kind, timer, ...seen });
      return timer;
    };
    (globalThis as unknown as Record<string, unknown>)[kind] = recorded;
    (timers as unknown as Record<string, unknown>)[kind] = recorded;
  }
  syncBuiltinESMExports();
}

/** Whether a timer will still fire: not cleared and not yet run (for a timeout). */
export function isPending(timer: NodeJS.Timeout): boolean {
  // Node marks a cleared or finished timer as destroyed; there is no public accessor for it.
  return (timer as unknown as { _destroyed?: boolean })._destroyed !== true;
}
