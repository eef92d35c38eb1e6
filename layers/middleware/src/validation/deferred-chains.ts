import type * as ExpressValidator from 'express-validator';
import type { ValidationChain } from 'express-validator';

// express-validator (with validator.js and lodash inside) is the largest thing this package loads, and an
// app builds its chains at startup, when it defines its routes: loading it then is most of a Lambda cold
// start's middleware cost, paid even by requests that validate nothing (GET /health). So the builders this
// package exports only RECORD a chain (`body('email').isEmail().withMessage(...)`): the builder, its
// arguments and each method call. `validate()` replays the recording on the real express-validator the
// first time it runs, which is when the library is loaded, once per process.

let loaded: typeof ExpressValidator | undefined;

/** express-validator itself, loaded on first use. */
export function expressValidator(): typeof ExpressValidator {
  // A plain require inside a function: Node (and the layer's bundle, where esbuild keeps it a lazily
  // evaluated module) runs the library's code only when this is first called.
  loaded ??= require('express-validator') as typeof ExpressValidator;
  return loaded;
}

type BuilderName = 'body' | 'query' | 'param' | 'header';

interface ChainRecording {
  readonly builder: BuilderName;
  readonly args: readonly unknown[];
  readonly calls: { readonly method: string; readonly args: readonly unknown[] }[];
}

const RECORDING = Symbol('lambdalith.chainRecording');

/** Whether `value` is a chain recorded by this package's builders. */
export function isRecordedChain(value: unknown): boolean {
  return typeof value === 'function' && recordingOf(value) !== undefined;
}

function recordingOf(value: object): ChainRecording | undefined {
  return (value as { [RECORDING]?: ChainRecording })[RECORDING];
}

/**
 * The real express-validator chain for `chain` (a recorded one is built now, loading the library; a real
 * one is returned as is). Arguments that are recorded chains themselves (`.if(body('x').exists())`) are
 * built too.
 */
export function realChain(chain: ValidationChain): ValidationChain {
  const recording = recordingOf(chain);
  if (recording === undefined) return chain;
  const library = expressValidator();
  let built = (library[recording.builder] as (...args: unknown[]) => ValidationChain)(...recording.args.map(realValue));
  for (const call of recording.calls) {
    const method = (built as unknown as Record<string, unknown>)[call.method];
    if (typeof method !== 'function') throw new TypeError(`express-validator chains have no method "${call.method}"`);
    built = (method as (...args: unknown[]) => ValidationChain).apply(built, call.args.map(realValue));
  }
  return built;
}

function realValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(realValue);
  return isRecordedChain(value) ? realChain(value as ValidationChain) : value;
}

function recordingChain(recording: ChainRecording): ValidationChain {
  // A function target, because a real chain is a function (a middleware) and validate() checks for one.
  const chain: ValidationChain = new Proxy(function recordedValidationChain() {}, {
    get(target, property) {
      if (property === RECORDING) return recording;
      // Symbols and `then` (so an await or a Promise.resolve of a chain does not mistake it for a promise)
      // are plain lookups; every other property is a chain method, recorded and answered with the chain.
      if (typeof property === 'symbol' || property === 'then') return Reflect.get(target, property);
      return (...args: unknown[]) => {
        recording.calls.push({ method: property, args });
        return chain;
      };
    },
    apply() {
      throw new TypeError('A validation chain from @lambdalith/middleware runs through validate(), not on its own');
    },
  }) as unknown as ValidationChain;
  return chain;
}

// Typed as express-validator's own builders, which is what they return once validate() has built them;
// the cast is the one place that claim is made.
function recordingBuilder<Name extends BuilderName>(builder: Name): (typeof ExpressValidator)[Name] {
  const record = (...args: unknown[]): ValidationChain => recordingChain({ builder, args, calls: [] });
  return record as unknown as (typeof ExpressValidator)[Name];
}

/**
 * express-validator's `body()`, recording the chain until {@link validate} first runs it (see above).
 *
 * @example
 * ```ts
 * router.post('/users', jsonBody(), validate(body('email').isEmail()), handler);
 * ```
 */
export const body = recordingBuilder('body');

/**
 * express-validator's `query()`, recording the chain until {@link validate} first runs it.
 *
 * @example
 * ```ts
 * router.get('/orders', validate(query('limit').optional().isInt({ min: 1, max: 100 })), handler);
 * ```
 */
export const query = recordingBuilder('query');

/**
 * express-validator's `param()`, recording the chain until {@link validate} first runs it.
 *
 * @example
 * ```ts
 * router.get('/users/:id', validate(param('id').isUUID()), handler);
 * ```
 */
export const param = recordingBuilder('param');

/**
 * express-validator's `header()`, recording the chain until {@link validate} first runs it.
 *
 * @example
 * ```ts
 * router.post('/orders', validate(header('idempotency-key').isUUID()), handler);
 * ```
 */
export const header = recordingBuilder('header');

/**
 * express-validator's `matchedData()` (loads the library on first call; by then `validate()` has).
 *
 * @example
 * ```ts
 * const { email } = matchedData(req);
 * ```
 */
export const matchedData: typeof ExpressValidator.matchedData = (req, options) =>
  expressValidator().matchedData(req, options);

/**
 * express-validator's `checkExact()`, given the real chains (loads the library when called; `validate()`
 * already rejects unknown body fields, so an app rarely needs it).
 *
 * @example
 * ```ts
 * router.post('/notes', validate(body('text').isString()), checkExact(), handler);
 * ```
 */
export const checkExact: typeof ExpressValidator.checkExact = (chains, options) =>
  expressValidator().checkExact(realValue(chains) as Parameters<typeof ExpressValidator.checkExact>[0], options);
