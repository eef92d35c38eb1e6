import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/http-errors';

// The errors a request body can cause, in one place: `jsonBody()` throws them for bodies it parses itself,
// and `errorHandler()` translates body-parser's errors into the same ones, so a client sees one vocabulary
// whichever way the body arrived.

export function malformedJsonError(cause: unknown): BadRequestError {
  return new BadRequestError('Malformed JSON body', { code: 'MALFORMED_JSON', cause });
}

export function bodyTooLargeError(cause: unknown): PayloadTooLargeError {
  return new PayloadTooLargeError(undefined, { cause });
}

export function unsupportedBodyEncodingError(cause: unknown): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError('Unsupported body encoding or charset', { cause });
}

export function invalidBodyError(cause: unknown): BadRequestError {
  return new BadRequestError('Invalid request body', { code: 'INVALID_BODY', cause });
}
