import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger, createMetrics, type Logger } from '@lambdalith/middleware';
import packageJson from '../package.json';
import type { AppDependencies } from './app';
import type { Config } from './config';
import { createDocumentClient } from './data/dynamodb-client';
import { DynamoDbRateLimitStore } from './data/dynamodb-rate-limit-store';
import { tableReadiness } from './data/table-readiness';
import type { EmailSender } from './domain/welcome-email';
import { buildUserDependencies } from './user-dependencies';

export const appVersion: string = packageJson.version;

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
  const metrics = createMetrics({ namespace: config.metrics.namespace, serviceName: config.serviceName, enabled: config.metrics.enabled });
  const documentClient = createDocumentClient(config.dynamodb);
  return {
    version: appVersion,
    logger,
    metrics,
    corsOrigins: config.corsOrigins,
    authRateLimit: { store: new DynamoDbRateLimitStore(documentClient, config.dynamodb.tableName), ...config.rateLimit.auth },
    documentClient,
    checkReadiness: tableReadiness(documentClient, config.dynamodb.tableName),
    ...buildUserDependencies(config, secrets.jwtSecret, { documentClient, logger, metrics, emails: host.emailSender(logger) }),
  };
}
