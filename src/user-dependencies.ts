import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createTokenIssuer, MetricUnit, type Logger, type Metrics } from '@lambdalith/middleware';
import type { TokenVerification } from './app';
import type { Config } from './config';
import { DynamoDbUserRepository } from './data/dynamodb-user-repository';
import { PaginationCursorCodec } from './domain/pagination-cursor';
import { PasswordHasher } from './domain/password-hasher';
import { UserService } from './domain/user-service';
import type { EmailSender } from './domain/welcome-email';
import { OutboxEmailSender } from './email/outbox-email-sender';
import { SesEmailSender } from './email/ses-email-sender';

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
  shared: { readonly documentClient: DynamoDBDocumentClient; readonly logger: Logger; readonly metrics: Metrics },
): UserDependencies {
  const { logger, metrics } = shared;
  const { issuer, audience, accessTokenTtlSeconds, jwksUrl, jwksIssuer, jwksAudience } = config.auth;
  const users = new UserService({
    repository: new DynamoDbUserRepository(shared.documentClient, config.dynamodb.tableName),
    hasher: new PasswordHasher(),
    tokens: createTokenIssuer({ hs256Secret: jwtSecret, issuer, audience, ttlSeconds: accessTokenTtlSeconds }),
    cursors: new PaginationCursorCodec({ secret: jwtSecret, ttlSeconds: CURSOR_TTL_SECONDS }),
    emails: emailSender(config, logger),
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

// SES in Lambda; the local outbox everywhere else (there is no SES, or internet, on a laptop or in CI).
function emailSender(config: Config, logger: Logger): EmailSender {
  const from = config.email.from ?? 'no-reply@localhost';
  if (config.runtime !== 'lambda') return new OutboxEmailSender(join(config.dataDir, 'outbox'), from, logger);
  const client = new SESv2Client({
    region: config.dynamodb.region,
    ...(config.email.sesEndpoint === undefined ? {} : { endpoint: config.email.sesEndpoint }),
    ...(config.email.useLocalCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 2,
    // Bounded like the DynamoDB client: a slow SES delays the registration by a few seconds at most.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }),
  });
  return new SesEmailSender(client, from);
}
