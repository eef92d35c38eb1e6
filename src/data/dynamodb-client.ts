import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDbConfig } from '../config';

/**
 * The process's one DynamoDB document client.
 *
 * The SDK has no request timeout by default, so a hung endpoint would hang the request until Lambda's own
 * timeout. With these settings a dead or hung DynamoDB fails within about
 * `maxAttempts × (connectionTimeout or requestTimeout)` plus back-off, which the error mapping turns into a
 * 503 with `Retry-After`.
 */
export function createDocumentClient(config: DynamoDbConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    // DynamoDB Local accepts any credentials; fixed ones keep every local process on the same database
    // and avoid the SDK probing the instance metadata service on a laptop.
    ...(config.useLocalCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: config.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: config.connectTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Without this, smithy only logs a warning when requestTimeout passes and keeps waiting: a hung
      // endpoint would still hang the request (tests/integration/health.test.ts proves it does not).
      throwOnRequestTimeout: true,
      socketTimeout: config.requestTimeoutMs,
    }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
