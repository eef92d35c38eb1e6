import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '@lambdalith/middleware';

/** A readiness probe: resolves when the table answers and is ACTIVE, throws a 503 problem otherwise. */
export type ReadinessCheck = () => Promise<void>;

export function tableReadiness(client: DynamoDBDocumentClient, tableName: string): ReadinessCheck {
  return async function checkTableIsActive() {
    let status: string | undefined;
    try {
      const result = await client.send(new DescribeTableCommand({ TableName: tableName }));
      status = result.Table?.TableStatus;
    } catch (error) {
      throw new ServiceUnavailableError('The database is not reachable', { cause: error, retryAfterSeconds: 2 });
    }
    if (status !== 'ACTIVE') {
      throw new ServiceUnavailableError('The database table is not ready', { retryAfterSeconds: 2 });
    }
  };
}
