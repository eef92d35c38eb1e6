// The public surface of @lambdalith/middleware. Anything not exported here is private: there are no deep imports.
export {
  HttpError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  ConflictError,
  PreconditionFailedError,
  PreconditionRequiredError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  UnprocessableEntityError,
  TooManyRequestsError,
  InternalServerError,
  ServiceUnavailableError,
  isHttpError,
  type FieldError,
  type HttpErrorOptions,
} from './errors/http-errors';
export {
  errorHandler,
  sendProblem,
  PROBLEM_CONTENT_TYPE,
  type ErrorHandlerOptions,
  type ErrorLogger,
  type ProblemDocument,
} from './errors/error-handler';
export { notFound, methodNotAllowed } from './errors/routing';
export { jsonBody, type JsonBodyOptions } from './body/json-body';
export { withLambdaInvoke, getLambdaInvoke, type LambdaInvoke, type LambdaHttpEvent } from './context/lambda-invoke';
export {
  requestContext,
  getRequestContext,
  requestContextOf,
  findRequestContext,
  type RequestContext,
  type RequestContextOptions,
  type Principal,
} from './context/request-context';
export { createLogger, type CreateLoggerOptions, type LogLevelName, type Logger } from './logging/create-logger';
export { middlewareVersion } from './version';
