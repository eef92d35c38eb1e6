import express, { type Express } from 'express';
import {
  corsPolicy,
  errorHandler,
  notFound,
  requestContext,
  requestLogger,
  requestMetrics,
  securityHeaders,
  type Logger,
  type Metrics,
  type RateLimitStore,
} from '@lambdalith/middleware';
import { toServiceUnavailable } from './data/dynamodb-errors';
import type { ReadinessCheck } from './data/table-readiness';
import { healthRoutes } from './routes/health-routes';

/** Everything the app needs, built once per process by `dependencies.ts` (or by a test). */
export interface AppDependencies {
  readonly version: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Browser origins allowed by CORS (empty: no CORS headers at all). */
  readonly corsOrigins: readonly string[];
  /** Spread into `rateLimit({ ...deps.authRateLimit, keyPrefix })` on login and registration. */
  readonly authRateLimit: AuthRateLimit;
  readonly checkReadiness: ReadinessCheck;
}

/** The shared rate-limit store and the auth routes' limit, from config. */
export interface AuthRateLimit {
  readonly store: RateLimitStore;
  readonly limit: number;
  readonly windowSeconds: number;
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

  // Global middleware, in order: the request context first (everything after reads it), then headers every
  // response carries, then per-request logging and metrics, which observe the finished response.
  app.use(requestContext());
  app.use(securityHeaders());
  app.use(corsPolicy({ origins: deps.corsOrigins }));
  app.use(requestLogger({ logger: deps.logger }));
  app.use(requestMetrics({ metrics: deps.metrics }));

  app.use(healthRoutes(deps));

  app.use(notFound());
  app.use(errorHandler({ logger: deps.logger, mapError: toServiceUnavailable }));
  return app;
}
