import type { Response } from 'express';

// One pair of listeners per response, however many middleware want to know: each registration costs an
// array slot instead of two more event listeners and closures on a hot path.
const listenersByResponse = new WeakMap<Response, (() => void)[]>();

/**
 * Calls `listener` once when the response is complete: on `finish` (fully handed over, also under
 * serverless-express, whose response emits it before the invocation resolves) or on `close` (the client
 * went away first). Synchronous with that event, so a Lambda invocation cannot end before it ran.
 * Listeners run in registration order.
 */
export function onResponseFinished(res: Response, listener: () => void): void {
  const registered = listenersByResponse.get(res);
  if (registered !== undefined) {
    registered.push(listener);
    return;
  }
  const listeners = [listener];
  listenersByResponse.set(res, listeners);
  const once = (): void => {
    res.off('finish', once);
    res.off('close', once);
    for (const each of listeners) each();
  };
  res.on('finish', once);
  res.on('close', once);
}
