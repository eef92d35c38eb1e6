import type { Response } from 'express';

/**
 * Calls `listener` once when the response is complete: on `finish` (fully handed over, also under
 * serverless-express, whose response emits it before the invocation resolves) or on `close` (the client
 * went away first). Synchronous with that event, so a Lambda invocation cannot end before it ran.
 */
export function onResponseFinished(res: Response, listener: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    res.off('finish', once);
    res.off('close', once);
    listener();
  };
  res.on('finish', once);
  res.on('close', once);
}
