// The module `npm run doctor` checks for this project's own app (project-app.test.ts bundles it first: the
// doctor loads JavaScript, and src/ is TypeScript with extensionless imports). It wires createApp() the way
// src/lambda.ts does, with Lambda's configuration pointed at nothing real. Building the dependencies connects to
// nothing (the AWS clients connect on first use), and the doctor refuses every connection anyway.
import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { buildDependencies } from '../../src/dependencies';
import { sesEmailSender } from '../../src/email/ses-email-sender';

// Random, as a deployed secret is: Lambda's configuration refuses a guessable JWT_SECRET.
const jwtSecret = randomBytes(48).toString('base64url');
const config = loadConfig(
  {
    AWS_LAMBDA_FUNCTION_NAME: 'lambdalith-doctor',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    TABLE_NAME: 'lambdalith-doctor',
    JWT_SECRET: jwtSecret,
    EMAIL_FROM: 'no-reply@example.com',
    LOG_LEVEL: 'SILENT',
  },
  { stdoutIsTty: false },
);

export const app = createApp(
  buildDependencies(config, { jwtSecret }, { emailSender: sesEmailSender(config.email, config.dynamodb.region) }),
);
