import serverlessExpress from '@codegenie/serverless-express';
import {
  middlewareVersion,
  rejectIncompleteHttpEvents,
  withLambdaInvoke,
  type LambdaHttpEvent,
} from '@lambdalith/middleware';
import type { Context } from 'aws-lambda';
import { createApp } from './app';
import { loadConfig } from './config';
import { buildDependencies } from './dependencies';
import { sesEmailSender } from './email/ses-email-sender';
import { assertCompatibleLayer } from './layer-compatibility';
import { resolveJwtSecret } from './secrets';

// Set by the esbuild build to the layer version the bundle was compiled against. Under jest there is no
// build, and the source of the package is loaded directly, so its own version is the right answer.
declare const __MIDDLEWARE_BUILT_AGAINST__: string | undefined;
const builtAgainst =
  typeof __MIDDLEWARE_BUILT_AGAINST__ === 'string' ? __MIDDLEWARE_BUILT_AGAINST__ : middlewareVersion;

type HttpHandler = (event: LambdaHttpEvent, context: Context) => Promise<unknown>;

// Cold start, once per execution environment: config → dependencies → app → serverless-express.
// The synchronous checks run at module load, so a wrong layer or bad config fails Lambda's init phase
// (reported as an init error) instead of every request.
assertCompatibleLayer(builtAgainst, middlewareVersion);
const config = loadConfig();

async function initialise(): Promise<HttpHandler> {
  const jwtSecret = await resolveJwtSecret(config.auth.jwtSecret, { region: config.dynamodb.region });
  const deps = buildDependencies(
    config,
    { jwtSecret },
    { emailSender: sesEmailSender(config.email, config.dynamodb.region) },
  );
  const app = createApp(deps);
  // Plain serverless-express: jsonBody() parses the body serverless-express already holds in memory, so a
  // rate limiter that awaits DynamoDB before it needs no custom framework hook here.
  const proxy = serverlessExpress({ app });
  // v5 resolves a promise; its published type still declares Lambda's legacy callback parameter.
  const proxyRequest: HttpHandler = async (event, context) => proxy(event, context, () => undefined);
  // An event serverless-express cannot turn into a request becomes a logged 400 problem, not its bare 500.
  return withLambdaInvoke(rejectIncompleteHttpEvents(proxyRequest, { logger: deps.logger }));
}

// Started at module load, so the secret is read during Lambda's init phase (before provisioned concurrency
// takes traffic). A failed attempt (say, Secrets Manager timing out) fails the invocation that awaited it and
// is forgotten, so the next invocation tries again instead of the environment failing until it is recycled.
let ready: Promise<HttpHandler> | undefined = startInitialising();

function startInitialising(): Promise<HttpHandler> {
  const attempt = initialise();
  // Also keeps an init failure from surfacing as an unhandled rejection before the first invoke awaits it.
  attempt.catch(() => {
    if (ready === attempt) ready = undefined;
  });
  return attempt;
}

/** The Lambda entry point (`index.handler` in the bundle). */
export async function handler(event: LambdaHttpEvent, context: Context): Promise<unknown> {
  ready ??= startInitialising();
  const proxy = await ready;
  return proxy(event, context);
}
