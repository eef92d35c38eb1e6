import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreNotReadyError } from '../domain/errors';
import type { ReadinessCheck } from '../domain/readiness';

/** The readiness probe of the table: resolves when it answers and is ACTIVE, throws `StoreNotReadyError` otherwise. */
export function tableReadiness(client: DynamoDBDocumentClient, tableName: string): ReadinessCheck {
  return async function checkTableIsActive() {
    let status: string | undefined;
    try {
      const result = await client.send(new DescribeTableCommand({ TableName: tableName }));
      status = result.Table?.TableStatus;
    } catch (error) {
      throw new StoreNotReadyError('unreachable', { cause: error });
    }
    if (status !== 'ACTIVE') throw new StoreNotReadyError('not-ready');
  };
}
