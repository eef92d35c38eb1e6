import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createLogger,
  createMetrics,
  createTokenIssuer,
  MetricUnit,
  type Logger,
  type Metrics,
} from '@lambdalith/middleware';
import packageJson from '../package.json';
import type { AppDependencies } from './app';
import type { Config } from './config';
import { createDocumentClient } from './data/dynamodb-client';
import { isDynamoDbUnavailable } from './data/dynamodb-errors';
import { DynamoDbOrderRepository } from './data/dynamodb-order-repository';
import { DynamoDbRateLimitStore } from './data/dynamodb-rate-limit-store';
import { DynamoDbUserRepository } from './data/dynamodb-user-repository';
import { tableReadiness } from './data/table-readiness';
import { OrderService } from './domain/order-service';
import { PaginationCursorCodec } from './domain/pagination-cursor';
import { PasswordHasher } from './domain/password-hasher';
import { UserService } from './domain/user-service';
import type { EmailSender } from './domain/welcome-email';
import type { TokenVerification } from './routes/caller';

// The composition root: the one module that knows every concrete class. It builds clients → adapters
// (`src/data/`, the host's email sender) → domain services, and hands them to `createApp()`. Hosts call it
// once per process (per cold start in Lambda).

const appVersion: string = packageJson.version;

/** How long a `nextCursor` stays valid: long enough to page through a listing, short enough to go stale. */
const CURSOR_TTL_SECONDS = 3_600;

/** The app's dependencies plus what only hosts need (the client, to create tables locally). */
export interface Dependencies extends AppDependencies {
  readonly documentClient: DynamoDBDocumentClient;
}

/** Secret values the host resolved before building (in Lambda: read from Secrets Manager at cold start). */
export interface ResolvedSecrets {
  readonly jwtSecret: string;
}

/** What only the host decides: how email leaves the process (SES in Lambda, the local outbox elsewhere). */
export interface HostServices {
  /** Builds the email sender, given the process's logger (`sesEmailSender()`, `outboxEmailSender()`). */
  readonly emailSender: (logger: Logger) => EmailSender;
}

/** Builds clients → repositories → services, once per process (per cold start in Lambda). */
export function buildDependencies(config: Config, secrets: ResolvedSecrets, host: HostServices): Dependencies {
  const logger = createLogger({ serviceName: config.serviceName, level: config.log.level, format: config.log.format });
  const metrics = createMetrics({
    namespace: config.metrics.namespace,
    serviceName: config.serviceName,
    enabled: config.metrics.enabled,
  });
  const documentClient = createDocumentClient(config.dynamodb);
  return {
    version: appVersion,
    logger,
    metrics,
    corsOrigins: config.corsOrigins,
    authRateLimit: {
      store: new DynamoDbRateLimitStore(documentClient, config.dynamodb.tableName),
      ...config.rateLimit.auth,
    },
    documentClient,
    checkReadiness: tableReadiness(documentClient, config.dynamodb.tableName),
    isStoreUnavailable: isDynamoDbUnavailable,
    users: buildUserService(config, secrets.jwtSecret, {
      documentClient,
      logger,
      metrics,
      emails: host.emailSender(logger),
    }),
    tokenVerification: tokenVerification(config, secrets.jwtSecret),
    orders: new OrderService({
      repository: new DynamoDbOrderRepository(documentClient, config.dynamodb.tableName),
      cursors: new PaginationCursorCodec({ secret: secrets.jwtSecret, ttlSeconds: CURSOR_TTL_SECONDS }),
    }),
  };
}

/** The users module: repository → hasher, tokens, cursors, email → service. */
function buildUserService(
  config: Config,
  jwtSecret: string,
  shared: {
    readonly documentClient: DynamoDBDocumentClient;
    readonly logger: Logger;
    readonly metrics: Metrics;
    /** The host's choice: SES in Lambda, the local outbox elsewhere. */
    readonly emails: EmailSender;
  },
): UserService {
  const { logger, metrics } = shared;
  const { issuer, audience, accessTokenTtlSeconds } = config.auth;
  return new UserService({
    repository: new DynamoDbUserRepository(shared.documentClient, config.dynamodb.tableName),
    hasher: new PasswordHasher(),
    tokens: createTokenIssuer({ hs256Secret: jwtSecret, issuer, audience, ttlSeconds: accessTokenTtlSeconds }),
    cursors: new PaginationCursorCodec({ secret: jwtSecret, ttlSeconds: CURSOR_TTL_SECONDS }),
    emails: shared.emails,
    onWelcomeEmailFailed: (error, userId) => {
      logger.error('welcome email could not be sent; the registration stands', { userId, error });
      // Published with the request's metrics; an alarm on it catches a broken SES set-up.
      metrics.addMetric('WelcomeEmailFailed', MetricUnit.Count, 1);
    },
    onMalformedUserRecord: (userId) => {
      logger.error('a stored user record is malformed; the listing goes on without it', { userId });
    },
  });
}

/** How `authenticate()` verifies tokens: the app's own (HS256), and an OIDC provider's when configured. */
function tokenVerification(config: Config, jwtSecret: string): TokenVerification {
  const { issuer, audience, accessTokenTtlSeconds, jwksUrl, jwksIssuer, jwksAudience } = config.auth;
  return {
    hs256Secret: jwtSecret,
    issuer,
    audience,
    // The OIDC provider's tokens carry its own issuer and audience (Cognito: the pool URL and client id).
    ...(jwksUrl === undefined ? {} : { jwksUrl, jwksIssuer, jwksAudience }),
    // No token outlives the longest lifetime we issue, whatever its `exp` claims.
    maxTokenAgeSeconds: accessTokenTtlSeconds,
  };
}
