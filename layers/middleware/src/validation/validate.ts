import type { Request, RequestHandler } from 'express';
import type { ContextRunner, ValidationChain, ValidationError } from 'express-validator';
import { BadRequestError, type FieldError } from '../errors/http-errors';
import { expressValidator, isRecordedChain, realChain } from './deferred-chains';

/**
 * Runs express-validator chains and turns every failure into one 400 problem with `code: 'VALIDATION_FAILED'`
 * and `errors: [{ field, message }]`:
 * - body fields no chain mentions are rejected (`checkExact` over the body);
 * - every query parameter a chain mentions must be given once: Express 5 turns `?a=1&a=2` into an array,
 *   which would otherwise slip past string validators written for one value.
 *
 * Read the result with {@link validatedData}, never from `req.body` or `req.query` directly.
 *
 * @example
 * ```ts
 * router.post(
 *   '/auth/register',
 *   jsonBody(),
 *   validate(body('email').isEmail().normalizeEmail(), body('password').isString().isLength({ min: 12, max: 128 })),
 *   register,
 * );
 * ```
 */
export function validate(...chains: ValidationChain[]): RequestHandler {
  if (chains.length === 0)
    throw new TypeError("validate(): pass at least one validation chain, e.g. validate(body('email').isEmail())");
  for (const [index, chain] of chains.entries()) {
    const realOne = typeof chain === 'function' && typeof (chain as Partial<ValidationChain>).run === 'function';
    if (!isRecordedChain(chain) && !(realOne && 'builder' in chain)) {
      throw new TypeError(
        `validate(): argument ${index + 1} is not an express-validator chain ` +
          '(use body(), query(), param() or header())',
      );
    }
  }
  // Built on the first request, which loads express-validator (see deferred-chains.ts): a route's rules
  // cost nothing at startup, and requests that validate nothing never load the library at all.
  let prepared: PreparedValidation | undefined;

  return async function validateMiddleware(req, _res, next) {
    try {
      prepared ??= prepareValidation(chains);
      const { realChains, scalarQueryFields, exactBody } = prepared;
      const repeated = repeatedQueryParameters(req, scalarQueryFields);
      for (const chain of realChains) await chain.run(req);
      await exactBody.run(req);
      // A repeated parameter's own error says it all; what the chains made of the array would only confuse.
      const repeatedFields = new Set(repeated.map((error) => error.field));
      const chainErrors = expressValidator()
        .validationResult(req)
        .array({ onlyFirstError: true })
        .flatMap(toFieldErrors);
      const errors = dedupe([...repeated, ...chainErrors.filter((error) => !repeatedFields.has(error.field))]);
      if (errors.length > 0) {
        next(validationFailed(errors));
        return;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The data the chains validated (and sanitised) for this request, typed. Only fields a chain mentioned and
 * that passed are included, so unexpected input never reaches a route.
 *
 * @example
 * ```ts
 * const { email, password } = validatedData<{ email: string; password: string }>(req);
 * ```
 */
export function validatedData<T extends object = Record<string, unknown>>(req: Request): T {
  return expressValidator().matchedData(req, { onlyValidData: true, includeOptionals: false }) as T;
}

interface PreparedValidation {
  readonly realChains: readonly ValidationChain[];
  /** Query parameters the rules name one by one, which must be given once. */
  readonly scalarQueryFields: readonly string[];
  /** Rejects body fields no rule mentions. */
  readonly exactBody: ContextRunner;
}

function prepareValidation(chains: readonly ValidationChain[]): PreparedValidation {
  const realChains = chains.map(realChain);
  return {
    realChains,
    scalarQueryFields: queryFieldsOf(realChains),
    exactBody: expressValidator().checkExact([...realChains], { locations: ['body'], message: 'Unknown field' }),
  };
}

// Wildcard selectors (`items.*`) and nested paths describe structures, not single query parameters.
function queryFieldsOf(chains: readonly ValidationChain[]): string[] {
  const fields = new Set<string>();
  for (const chain of chains) {
    const context = chain.builder.build();
    if (!context.locations.includes('query')) continue;
    for (const field of context.fields) if (/^[^.*[\]]+$/.test(field)) fields.add(field);
  }
  return [...fields];
}

function repeatedQueryParameters(req: Request, fields: readonly string[]): FieldError[] {
  if (fields.length === 0) return [];
  const query = req.query as Record<string, unknown>;
  return fields
    .filter((field) => query[field] !== undefined && typeof query[field] !== 'string')
    .map((field) => ({ field, message: 'Must be given once, as a single value' }));
}

function toFieldErrors(error: ValidationError): FieldError[] {
  switch (error.type) {
    case 'field':
      return [{ field: error.path, message: messageOf(error.msg) }];
    case 'unknown_fields':
      return error.fields.map((field) => ({ field: field.path, message: 'Unknown field' }));
    case 'alternative':
      return error.nestedErrors.map((nested) => ({ field: nested.path, message: messageOf(nested.msg) }));
    case 'alternative_grouped':
      return error.nestedErrors.flat().map((nested) => ({ field: nested.path, message: messageOf(nested.msg) }));
  }
}

// A chain's message may be anything a custom validator threw; only strings are fit for a client.
function messageOf(message: unknown): string {
  return typeof message === 'string' && message !== '' ? message : 'Invalid value';
}

/**
 * At most this many field errors are listed: a body of thousands of unknown fields must not become a
 * response many times its size. The detail says how many more there were.
 */
export const MAX_LISTED_ERRORS = 20;

function validationFailed(errors: readonly FieldError[]): BadRequestError {
  const unlisted = errors.length - MAX_LISTED_ERRORS;
  const detail =
    unlisted > 0
      ? `The request is invalid: ${errors.length} errors, the first ${MAX_LISTED_ERRORS} listed (${unlisted} more)`
      : 'The request is invalid';
  return new BadRequestError(detail, { code: 'VALIDATION_FAILED', errors: errors.slice(0, MAX_LISTED_ERRORS) });
}

function dedupe(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.field}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
