import type { Express } from 'express';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { buildDependencies, type Dependencies } from '../../src/dependencies';
import { outboxEmailSender } from '../../src/email/outbox-email-sender';
import { sesEmailSender } from '../../src/email/ses-email-sender';
import { lambdaTestEnv, TEST_JWT_SECRET, testConfig } from './test-environment';

/**
 * The real app on the test DynamoDB Local, as supertest drives it, hosted as `npm start` hosts it (the email outbox).
 */
export function createTestApp(overrides: Record<string, string> = {}): { app: Express; deps: Dependencies } {
  const config = testConfig(overrides);
  const deps = buildDependencies(config, { jwtSecret: TEST_JWT_SECRET }, { emailSender: outboxEmailSender(config) });
  return { app: createApp(deps), deps };
}

/**
 * The real app on the test DynamoDB Local, hosted as `lambda.ts` hosts it: Lambda's configuration and the
 * SES sender (give `SES_ENDPOINT` a stand-in: there is no internet here).
 */
export function createLambdaHostedTestApp(overrides: Record<string, string> = {}): {
  app: Express;
  deps: Dependencies;
} {
  const config = loadConfig(lambdaTestEnv(overrides), { stdoutIsTty: false });
  const deps = buildDependencies(
    config,
    { jwtSecret: TEST_JWT_SECRET },
    { emailSender: sesEmailSender(config.email, config.dynamodb.region) },
  );
  return { app: createApp(deps), deps };
}
