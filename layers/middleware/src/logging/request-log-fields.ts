import type { Response } from 'express';

// The request log line can carry fields of other middleware, so that a request costs ONE stdout write: in
// Lambda, requestMetrics() hands its CloudWatch EMF document to the line requestLogger() writes (a JSON log
// event with a top-level `_aws` key is read as EMF). requestLogger() offers the line when the request starts
// (only when it will write one, as JSON) and writes it after every other finish listener has run.
const offered = new WeakMap<Response, Record<string, unknown>>();

/** requestLogger(): this response's log line will be written as JSON and can carry other fields. */
export function offerRequestLogFields(res: Response): void {
  offered.set(res, {});
}

/** Whether a JSON request log line will be written for this response, able to carry other fields. */
export function requestLogCarriesFields(res: Response): boolean {
  return offered.has(res);
}

/** Adds `fields` to this response's log line (see {@link requestLogCarriesFields}). */
export function addRequestLogFields(res: Response, fields: Record<string, unknown>): void {
  const carried = offered.get(res);
  if (carried !== undefined) Object.assign(carried, fields);
}

/** requestLogger(): the fields other middleware added to this response's line (and forgets them). */
export function takeRequestLogFields(res: Response): Record<string, unknown> | undefined {
  const carried = offered.get(res);
  offered.delete(res);
  return carried;
}
