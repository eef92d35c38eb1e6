import express, { type Express } from 'express';
import { errorHandler, notFound, requestContext, type Logger } from '@lambdalith/middleware';
import { toServiceUnavailable } from './data/dynamodb-errors';
import type { ReadinessCheck } from './data/table-readiness';
import { healthRoutes } from './routes/health-routes';

/** Everything the app needs, built once per process by `dependencies.ts` (or by a test). */
export interface AppDependencies {
  readonly version: string;
  readonly logger: Logger;
  readonly checkReadiness: ReadinessCheck;
}

/**
 * The Express app, identical in Lambda, under `npm start` and in tests. It never listens and never reads
 * the environment: hosts pass everything in.
 */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  // Express's defaults are for browsers and proxies we do not have: no banner, no proxy headers trusted,
  // no weak ETags on JSON (routes set strong ones where they mean something).
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('etag', false);

  app.use(requestContext());

  app.use(healthRoutes(deps));

  app.use(notFound());
  app.use(errorHandler({ logger: deps.logger, mapError: toServiceUnavailable }));
  return app;
}
