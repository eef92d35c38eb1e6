import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import {
  bodyTooLargeError,
  invalidBodyError,
  malformedJsonError,
  unsupportedBodyEncodingError,
} from '../body/body-errors';
import { findRequestContext } from '../context/request-context';
import { HttpError, InternalServerError, type FieldError } from './http-errors';
import { assertOptionsObject, type OptionKeys } from '../options/assert-options';

/**
 * The RFC 9457 problem document every 4xx/5xx response carries.
 *
 * @example
 * ```ts
 * const problem = (await response.json()) as ProblemDocument;
 * if (problem.code === 'TOKEN_EXPIRED') await refresh();
 * ```
 */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly errors?: readonly FieldError[];
}

/**
 * The logging the error handler needs; a Powertools `Logger` satisfies it.
 *
 * @example
 * ```ts
 * const logger: ErrorLogger = createLogger({ serviceName: 'api' });
 * ```
 */
export interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
}

/**
 * Options of {@link errorHandler}.
 *
 * @example
 * ```ts
 * app.use(
 *   errorHandler({ logger, mapError: (error) => (isTimeout(error) ? new ServiceUnavailableError() : undefined) }),
 * );
 * ```
 */
export interface ErrorHandlerOptions {
  /** Where 5xx errors (with their cause) are logged. Default: nothing is logged. */
  readonly logger?: ErrorLogger;
  /**
   * Translates errors this package cannot know about (an AWS SDK timeout, say) into an {@link HttpError}.
   * Return `undefined` to leave the error as it is.
   */
  readonly mapError?: (error: unknown) => HttpError | undefined;
}

/**
 * The media type of every error response (RFC 9457).
 *
 * @example
 * ```ts
 * expect(response.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
 * ```
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const ERROR_HANDLER_OPTIONS: OptionKeys<ErrorHandlerOptions> = { logger: true, mapError: true };

/**
 * The last middleware of the app: turns every error into an `application/problem+json` response with a
 * stable `code` and the request id. Client errors keep their message; server errors get a generic one,
 * and the real error goes to the log only. Never sends a stack trace or HTML, whatever `NODE_ENV` says.
 * An error after the response has started (headers sent) is logged the same way, with the request id, and the
 * response is aborted (never handed to Express's final handler, which would print the stack to the console).
 *
 * @example
 * ```ts
 * app.use(notFound());
 * app.use(errorHandler({ logger, mapError: toServiceUnavailable }));
 * ```
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  assertOptionsObject('errorHandler()', options, ERROR_HANDLER_OPTIONS);
  const { logger, mapError } = options;
  if (mapError !== undefined && typeof mapError !== 'function') {
    throw new TypeError('errorHandler(): "mapError" must be a function (error) => HttpError | undefined');
  }

  return function errorHandlerMiddleware(error: unknown, req, res, _next) {
    if (res.headersSent) {
      // Too late for a problem response. Express's own final handler would print the stack with
      // console.error, unstructured and unredacted; log it like every other failure instead, then abort.
      logger?.error('request failed after the response started', {
        error,
        status: res.statusCode,
        requestId: findRequestContext(req)?.requestId,
      });
      abortResponse(res);
      return;
    }
    const httpError = toHttpError(error, mapError);
    if (httpError.status >= 500) {
      // The request id joins this entry to the request's own log line and to the id the client was shown.
      logger?.error('request failed', {
        error,
        status: httpError.status,
        code: httpError.code,
        requestId: findRequestContext(req)?.requestId,
      });
    }
    sendProblem(req, res, httpError);
  };
}

/**
 * Ends a response whose status and headers are already out, so that the client sees a failed exchange and
 * never takes a truncated body for a complete one. A response that was already handed over in full is left
 * alone (the error came after it; the log has it).
 */
function abortResponse(res: Response): void {
  if (res.writableEnded) return;
  // node:http: closing the socket is the only signal left; the client sees the connection reset.
  res.destroy();
  // Serverless adapters (serverless-express) give the response a stand-in socket whose destroy() does
  // nothing, and wait for the response to emit 'finish' or 'error' before answering the invocation: without
  // a signal it would hang until the function times out. Their listener fails the invocation with a bare
  // 500. The error passed on is generic, as the adapter logs it with its own logger.
  if (res.socket === null || res.socket.destroyed) return;
  setImmediate(() => {
    if (res.listenerCount('error') > 0) res.emit('error', new Error('The response failed after its headers were sent'));
  });
}

/**
 * Writes an {@link HttpError} as a problem response. Exported for hosts that must answer outside the
 * Express stack; inside it, throw instead.
 *
 * @example
 * ```ts
 * sendProblem(req, res, new NotFoundError());
 * ```
 */
export function sendProblem(req: Request, res: Response, error: HttpError): void {
  const problem: ProblemDocument = {
    type: 'about:blank',
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    detail: error.expose ? error.message : genericDetail(error.status),
    code: error.code,
    requestId: findRequestContext(req)?.requestId,
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  };
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  res.end(JSON.stringify(problem));
}

function toHttpError(error: unknown, mapError: ErrorHandlerOptions['mapError']): HttpError {
  if (error instanceof HttpError) return error;
  const mapped = mapError?.(error) ?? fromBodyParser(error) ?? fromStatusError(error);
  return mapped ?? new InternalServerError(undefined, { cause: error });
}

// body-parser (express.json) and Express's router throw http-errors with a `type` or `status`; their
// messages are generic but we still use our own wording so clients see one vocabulary.
function fromBodyParser(error: unknown): HttpError | undefined {
  if (!isRecord(error)) return undefined;
  // A compressed body that does not inflate: zlib's error, passed on by body-parser with status 400.
  if (typeof error['code'] === 'string' && error['code'].startsWith('Z_')) return invalidBodyError(error);
  switch (error['type']) {
    case 'entity.parse.failed':
      return malformedJsonError(error);
    case 'entity.too.large':
      return bodyTooLargeError(error);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return unsupportedBodyEncodingError(error);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return invalidBodyError(error);
    default:
      return undefined;
  }
}

function fromStatusError(error: unknown): HttpError | undefined {
  if (!isRecord(error)) return undefined;
  const status = error['status'] ?? error['statusCode'];
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  // A 4xx from a library (a malformed percent-encoding in the path, say): keep the status, not the wording.
  return new HttpError(status, 'BAD_REQUEST', STATUS_CODES[status] ?? 'Bad request', { cause: error });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// Server errors never show their own message (it may name hosts, tables or causes); the client gets one of
// these instead. A 503 says what the client can do about it, everything else asks for the request id.
function genericDetail(status: number): string {
  return status === 503
    ? 'The service is temporarily unavailable. Retry after the number of seconds in Retry-After.'
    : 'An unexpected error occurred. Quote the request id when reporting it.';
}
