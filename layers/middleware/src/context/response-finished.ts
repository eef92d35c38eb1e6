import type { Response } from 'express';

interface FinishListeners {
  readonly first: (() => void)[];
  readonly last: (() => void)[];
}

// One pair of listeners per response, however many middleware want to know: each registration costs an
// array slot instead of two more event listeners and closures on a hot path.
const listenersByResponse = new WeakMap<Response, FinishListeners>();

function listenersOf(res: Response): FinishListeners {
  const registered = listenersByResponse.get(res);
  if (registered !== undefined) return registered;
  const listeners: FinishListeners = { first: [], last: [] };
  listenersByResponse.set(res, listeners);
  const once = (): void => {
    res.off('finish', once);
    res.off('close', once);
    for (const each of listeners.first) each();
    for (const each of listeners.last) each();
  };
  res.on('finish', once);
  res.on('close', once);
  return listeners;
}

/**
 * Calls `listener` once when the response is complete: on `finish` (fully handed over, also under
 * serverless-express, whose response emits it before the invocation resolves) or on `close` (the client
 * went away first). Synchronous with that event, so a Lambda invocation cannot end before it ran.
 * Listeners run in registration order.
 */
export function onResponseFinished(res: Response, listener: () => void): void {
  listenersOf(res).first.push(listener);
}

/**
 * Like {@link onResponseFinished}, but after every listener registered with it, whatever the order of
 * registration: for the request log, which carries what the other observers recorded (see request-log-fields.ts).
 */
export function afterResponseFinished(res: Response, listener: () => void): void {
  listenersOf(res).last.push(listener);
}
