import express, { type Express } from 'express';
import {
  corsPolicy,
  errorHandler,
  notFound,
  rateLimit,
  requestContext,
  requestLogger,
  requestMetrics,
  securityHeaders,
  type Logger,
  type Metrics,
  type RateLimitStore,
} from '@lambdalith/middleware';
import type { OrderService } from './domain/order-service';
import type { ReadinessCheck } from './domain/readiness';
import type { UserService } from './domain/user-service';
import { apiDocsRoutes } from './routes/api-docs-routes';
import { authRoutes } from './routes/auth-routes';
import { authenticateCaller, type TokenVerification } from './routes/caller';
import { healthRoutes } from './routes/health-routes';
import { ordersRoutes } from './routes/orders-routes';
import { problemMap } from './routes/problem-map';
import { usersRoutes } from './routes/users-routes';

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
  /** Whether a store failure means "unavailable right now" (answered 503 with `Retry-After`). */
  readonly isStoreUnavailable: (error: unknown) => boolean;
  readonly users: UserService;
  readonly orders: OrderService;
  /** How `authenticate()` verifies the app's tokens. */
  readonly tokenVerification: TokenVerification;
}

/** The shared rate-limit store and the auth routes' limit, from config. */
export interface AuthRateLimit {
  readonly store: RateLimitStore;
  readonly limit: number;
  readonly windowSeconds: number;
  /** The limiters' clock (epoch ms). Default `Date.now`; tests fix it inside one window. */
  readonly now?: () => number;
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

  // Global middleware, in order: the request context first (everything after reads it), then per-request
  // logging and metrics, which observe the finished response (before CORS, which answers preflights itself,
  // so those are logged and counted too), then the headers every response carries.
  app.use(requestContext());
  app.use(requestLogger({ logger: deps.logger }));
  app.use(requestMetrics({ metrics: deps.metrics }));
  app.use(securityHeaders());
  app.use(corsPolicy({ origins: deps.corsOrigins }));

  // Role, existence and revocation come from the store on every request: a deleted user's token stops
  // working and a demoted admin loses admin at once, not when the token expires.
  const requireUser = authenticateCaller(deps.users, deps.tokenVerification);
  // Every password check (a login, a PATCH with currentPassword) counts against one per-IP budget.
  const loginRateLimit = rateLimit({ ...deps.authRateLimit, keyPrefix: 'login' });
  app.use(healthRoutes(deps));
  app.use(
    authRoutes({
      users: deps.users,
      registerRateLimit: rateLimit({ ...deps.authRateLimit, keyPrefix: 'register' }),
      loginRateLimit,
      requireUser,
    }),
  );
  app.use(usersRoutes({ users: deps.users, requireUser, reauthenticationRateLimit: loginRateLimit }));
  app.use(ordersRoutes({ orders: deps.orders, requireUser }));
  app.use(apiDocsRoutes(deps));

  // Last: every error becomes a problem response; the problem map decides the domain errors' statuses.
  app.use(notFound());
  app.use(errorHandler({ logger: deps.logger, mapError: problemMap({ isStoreUnavailable: deps.isStoreUnavailable }) }));
  return app;
}
