import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import express, { type Request, type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../errors/http-errors';
import { bodyTooLargeError, invalidBodyError, malformedJsonError, unsupportedBodyEncodingError } from './body-errors';
import { assertOptionsObject, type OptionKeys } from '../options/assert-options';
import { parseMediaType } from './media-type';

/**
 * Options of {@link jsonBody}.
 *
 * @example
 * ```ts
 * router.post('/imports', jsonBody({ limit: '1mb' }), importItems);
 * ```
 */
export interface JsonBodyOptions {
  /**
   * Largest accepted body, as bytes or a string such as `'100kb'` (`b`, `kb`, `mb`; 1 kb = 1024 bytes). Default
   * `'100kb'`.
   */
  readonly limit?: number | string;
}

const JSON_TYPES = ['application/json', 'application/*+json'];
const BYTE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/**
 * What {@link jsonBody} returns: one middleware. It is also iterable (yielding itself), so callers written
 * for the earlier two-handler form, `...jsonBody()`, keep working.
 *
 * @example
 * ```ts
 * const parseJson: JsonBodyMiddleware = jsonBody({ limit: '10kb' });
 * ```
 */
export type JsonBodyMiddleware = RequestHandler & Iterable<RequestHandler>;

const JSON_BODY_OPTIONS: OptionKeys<JsonBodyOptions> = { limit: true };

/**
 * Parses a JSON body, for the routes that take one (mount it per route, not globally, so routes without a
 * body never parse one). A body in any other media type, or in a charset other than UTF-8 → 415, malformed
 * JSON (or anything but an object or array at the top) → 400, over the limit → 413, all as problems via
 * `errorHandler()`. Compressed bodies (`Content-Encoding: gzip`, `deflate`, `br`, `zstd`) are inflated, and
 * the limit applies to the inflated size.
 *
 * The same rules hold on every host. Under node:http the body is read from the request stream. Serverless
 * adapters (serverless-express, serverless-http) hand the app a request whose body is already in memory, as a
 * Buffer or string on `req.body`; that copy is parsed instead of the stream, so the body arrives parsed even
 * when a middleware before this one awaited I/O (see the comment in the function).
 *
 * @example
 * ```ts
 * router.post('/auth/register', jsonBody(), validate(...registerRules), register);
 * ```
 */
export function jsonBody(options: JsonBodyOptions = {}): JsonBodyMiddleware {
  assertOptionsObject('jsonBody()', options, JSON_BODY_OPTIONS);
  const limit = limitInBytes(options.limit ?? '100kb');
  const parseStream = express.json({ limit, type: JSON_TYPES, strict: true });

  const jsonBodyMiddleware: RequestHandler = function jsonBodyMiddleware(req, res, next) {
    // A body exists when the headers announce one, exactly as body-parser decides it for the stream.
    const announced = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (announced && req.is(JSON_TYPES) === false) {
      next(new UnsupportedMediaTypeError());
      return;
    }
    // RFC 8259 §8.1: JSON between systems is UTF-8. Checked here, not left to body-parser (which also takes
    // UTF-16), so both ways of reading the body below accept the same charsets.
    if (announced && !isUtf8(req)) {
      next(unsupportedBodyEncodingError(new Error(`unsupported charset in ${String(req.headers['content-type'])}`)));
      return;
    }
    // serverless-express v5 puts the decoded event body on `req.body` (a Buffer) and marks the request stream
    // as read as soon as `app.handle()` returns, that is, at the first await in the middleware chain. From
    // then on, body-parser sees a finished stream and skips, leaving the raw Buffer as `req.body`. Parsing
    // the in-memory copy makes the result independent of what ran before (a rate limiter awaiting DynamoDB),
    // with no framework hook in the host. Nothing else puts a Buffer or string there before a JSON parser:
    // Express leaves `req.body` undefined, and an already parsed body is an object.
    const delivered: unknown = req.body;
    if (Buffer.isBuffer(delivered) || typeof delivered === 'string') {
      try {
        req.body = announced ? parseDeliveredBody(req, delivered, limit) : undefined;
        next();
      } catch (error) {
        next(error);
      }
      return;
    }
    parseStream(req, res, next);
  };
  return Object.assign(jsonBodyMiddleware, {
    *[Symbol.iterator](): Iterator<RequestHandler> {
      yield jsonBodyMiddleware;
    },
  });
}

/** `limit` as a byte count, with the units body-parser's `bytes` uses (1 kb = 1024 b). Throws on anything else. */
function limitInBytes(limit: unknown): number {
  if (typeof limit === 'number' && Number.isFinite(limit) && limit >= 1) return Math.floor(limit);
  const match = typeof limit === 'string' ? /^(\d+(?:\.\d+)?)\s*(b|kb|mb)$/i.exec(limit) : null;
  const [, amount = '', unit = ''] = match ?? [];
  const bytes = Math.floor(Number(amount) * (BYTE_UNITS[unit.toLowerCase()] ?? 0));
  if (bytes >= 1) return bytes;
  throw new TypeError(
    `jsonBody(): "limit" must be a positive byte count or a string like '100kb', got ${JSON.stringify(limit)}`,
  );
}

// Parsed by the grammar, so a quoted parameter cannot hide the real charset, and a header the grammar
// refuses (or one naming charset twice) is refused too: what body-parser would make of it is anyone's guess.
function isUtf8(req: Request): boolean {
  const mediaType = parseMediaType(req.headers['content-type'] ?? '');
  if (mediaType === undefined) return false;
  const charset = mediaType.parameters.get('charset');
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

/** A body a serverless adapter already holds in memory: inflated, size-checked, decoded and parsed like the stream. */
function parseDeliveredBody(req: Request, delivered: Buffer | string, limit: number): unknown {
  const raw = typeof delivered === 'string' ? Buffer.from(delivered, 'utf8') : delivered;
  const bytes = inflate(raw, (req.headers['content-encoding'] ?? 'identity').toLowerCase(), limit);
  if (bytes.length > limit)
    throw bodyTooLargeError(new RangeError(`body of ${bytes.length} bytes exceeds the limit of ${limit}`));
  // As iconv-lite does for body-parser: a UTF-8 byte order mark is not part of the text.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return parseStrictJson(text);
}

function inflate(body: Buffer, contentEncoding: string, limit: number): Buffer {
  // maxOutputLength stops a small compressed body from inflating past the limit (a "zip bomb").
  const bounded = { maxOutputLength: limit };
  try {
    switch (contentEncoding) {
      case 'identity':
        return body;
      case 'gzip':
        return gunzipSync(body, bounded);
      case 'deflate':
        return inflateSync(body, bounded);
      case 'br':
        return brotliDecompressSync(body, bounded);
      case 'zstd':
        return zstdDecompressSync(body, bounded);
      default:
        throw unsupportedBodyEncodingError(new Error(`unsupported content encoding "${contentEncoding}"`));
    }
  } catch (error) {
    if (error instanceof UnsupportedMediaTypeError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw bodyTooLargeError(error);
    throw invalidBodyError(error);
  }
}

// body-parser's `strict: true`: the top level must be an object or an array; an empty body is `{}`.
function parseStrictJson(text: string): unknown {
  if (text.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/.exec(text)?.[1];
  if (first !== '{' && first !== '[')
    throw malformedJsonError(new SyntaxError('a JSON body must be an object or an array'));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformedJsonError(error);
  }
}
