import type { Context } from 'aws-lambda';
import { lambdaContext, type EventSource, type HttpRequestSpec, type NormalizedResponse } from '@lambdalith/testing';

/** The exported handler of `src/lambda.ts`, as the Node.js runtime calls it. */
export type LambdaHandler = (event: object, context: Context) => Promise<unknown>;

type Environment = Readonly<Record<string, string | undefined>>;

// The handler this test file loaded. Jest gives every test file its own module registry, so this is per file.
let loaded: LambdaHandler | undefined;

/**
 * Loads the real Lambda handler for this test file, as a cold start does: before the file's tests, `env` (or
 * what it returns, for values known only then, such as a stand-in server's port) is laid over `process.env`
 * and `src/lambda.ts` is imported; after them, `process.env` is restored. Call it at the top of the file (or
 * of a describe); hooks registered before it run first. Returns the loaded handler, for hosts that call it.
 *
 * @example
 * loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false' }));
 * const response = await invoke(httpApiV2, { method: 'GET', path: '/health' });
 */
export function loadHandler(env: Environment | (() => Environment)): () => LambdaHandler {
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, typeof env === 'function' ? env() : env);
    ({ handler: loaded } = (await import('../../src/lambda')) as { handler: LambdaHandler });
  });
  afterAll(() => {
    process.env = savedEnv;
  });
  return loadedHandler;
}

/** The handler {@link loadHandler} loaded; throws when called before it did. */
export function loadedHandler(): LambdaHandler {
  if (loaded === undefined) throw new Error('the Lambda handler is not loaded yet: call loadHandler(env) first');
  return loaded;
}

/** Sends `spec` through the loaded handler as `source`'s event shape, with a fresh (or the given) context. */
export async function invoke(
  source: EventSource,
  spec: HttpRequestSpec,
  context: Context = lambdaContext(),
): Promise<NormalizedResponse> {
  return source.parseResult(await loadedHandler()(source.event(spec), context));
}
