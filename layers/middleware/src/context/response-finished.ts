import type { Response } from 'express';

/**
 * Lines (each ending in a newline) that listeners of {@link onResponseFinished} want on stdout. They are
 * written together, in ONE write, after the last listener ran.
 */
export type ResponseOutput = string[];

/** A listener of {@link onResponseFinished}; it may add lines to `output` instead of writing them itself. */
export type ResponseFinishedListener = (output: ResponseOutput) => void;

// One pair of listeners per response, however many middleware want to know: each registration costs an
// array slot instead of two more event listeners and closures on a hot path. The array rides on the response
// under a private symbol, not in a WeakMap (see request-context.ts: ephemerons cost on every request).
const LISTENERS = Symbol('lambdalith.responseFinishedListeners');
type ResponseWithListeners = Response & { [LISTENERS]?: ResponseFinishedListener[] };

/**
 * Calls `listener` once when the response is complete: on `finish` (fully handed over, also under
 * serverless-express, whose response emits it before the invocation resolves) or on `close` (the client
 * went away first). Synchronous with that event, so a Lambda invocation cannot end before it ran.
 * Listeners run in registration order.
 *
 * What the listeners add to `output` (the request log line, the request's EMF document) leaves in a single
 * stdout write: on a pipe each write is a system call. The lines stay separate log events, because Lambda
 * and CloudWatch end an event at each newline.
 */
export function onResponseFinished(res: Response, listener: ResponseFinishedListener): void {
  const registered = (res as ResponseWithListeners)[LISTENERS];
  if (registered !== undefined) {
    registered.push(listener);
    return;
  }
  const listeners = [listener];
  (res as ResponseWithListeners)[LISTENERS] = listeners;
  const once = (): void => {
    res.off('finish', once);
    res.off('close', once);
    const output: ResponseOutput = [];
    for (const each of listeners) each(output);
    if (output.length === 1) process.stdout.write(output[0] as string);
    else if (output.length > 1) process.stdout.write(output.join(''));
  };
  res.on('finish', once);
  res.on('close', once);
}
