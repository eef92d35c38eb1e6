import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTokenIssuer, MetricUnit, type Logger, type Metrics } from '@lambdalith/middleware';
import type { TokenVerification } from './app';
import type { Config } from './config';
import { DynamoDbUserRepository } from './data/dynamodb-user-repository';
import { PaginationCursorCodec } from './domain/pagination-cursor';
import { PasswordHasher } from './domain/password-hasher';
import { UserService } from './domain/user-service';
import type { EmailSender } from './domain/welcome-email';

/** How long a `nextCursor` stays valid: long enough to page through a listing, short enough to go stale. */
const CURSOR_TTL_SECONDS = 3_600;

export interface UserDependencies {
  readonly users: UserService;
  readonly tokenVerification: TokenVerification;
}

/** The users module: repository → hasher, tokens, cursors, email → service. Once per process. */
export function buildUserDependencies(
  config: Config,
  jwtSecret: string,
  shared: {
    readonly documentClient: DynamoDBDocumentClient;
    readonly logger: Logger;
    readonly metrics: Metrics;
    /** The host's choice: SES in Lambda, the local outbox elsewhere. */
    readonly emails: EmailSender;
  },
): UserDependencies {
  const { logger, metrics } = shared;
  const { issuer, audience, accessTokenTtlSeconds, jwksUrl, jwksIssuer, jwksAudience } = config.auth;
  const users = new UserService({
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
  });
  return {
    users,
    tokenVerification: {
      hs256Secret: jwtSecret,
      issuer,
      audience,
      // The OIDC provider's tokens carry its own issuer and audience (Cognito: the pool URL and client id).
      ...(jwksUrl === undefined ? {} : { jwksUrl, jwksIssuer, jwksAudience }),
      // No token outlives the longest lifetime we issue, whatever its `exp` claims.
      maxTokenAgeSeconds: accessTokenTtlSeconds,
    },
  };
}
