import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { TEST_TABLE_NAME } from './test-table';

export { TEST_TABLE_NAME };

/**
 * A fixed test secret: 48 random bytes in base64url (`crypto.randomBytes(48)`), published here, so never a
 * real one. Random, not a readable phrase, because a JWT_SECRET configured in Lambda must carry 32 bytes of
 * entropy (config.ts).
 */
export const TEST_JWT_SECRET = 'u7TE_GAG2_K5uVXI5aWIDHGdJgoXLYvyNE6Mjoj-V5vljbFrvU11s72swEd3S4v_';

/** The endpoint of the DynamoDB Local that jest's global setup started. */
export function testDynamoDbEndpoint(): string {
  const endpoint = process.env['TEST_DYNAMODB_ENDPOINT'];
  if (endpoint === undefined)
    throw new Error('TEST_DYNAMODB_ENDPOINT is not set: run the tests through jest (npm test)');
  return endpoint;
}

/** The environment a local process would have, pointed at the test DynamoDB Local. */
export function localTestEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: testDynamoDbEndpoint(),
    TABLE_NAME: TEST_TABLE_NAME,
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'lambdalith-test-')),
    LOG_LEVEL: 'SILENT',
    LOG_FORMAT: 'json',
    ...overrides,
  };
}

/** The environment the template gives the function in Lambda, pointed at the test DynamoDB Local. */
export function lambdaTestEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: 'lambdalith-test-ApiFunction',
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: testDynamoDbEndpoint(),
    TABLE_NAME: TEST_TABLE_NAME,
    JWT_SECRET: TEST_JWT_SECRET,
    EMAIL_FROM: 'no-reply@example.com',
    LOG_LEVEL: 'SILENT',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(localTestEnv(overrides), { stdoutIsTty: false });
}
