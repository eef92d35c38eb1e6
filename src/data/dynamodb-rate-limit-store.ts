import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fixedWindow, type RateLimitCount, type RateLimitStore } from '@lambdalith/middleware';
import { tableDefinition } from './table-definition';

/**
 * Rate-limit counters in the application table, shared by every Lambda instance: one item per key and
 * fixed window (`PK = RATE#<key>`, `SK = WINDOW#<window start, epoch seconds>`), incremented with a single
 * `UpdateItem ADD`, which DynamoDB applies atomically however many instances count at once. Each item
 * carries a TTL (`expiresAt`) so DynamoDB deletes finished windows; since a window's key is never used
 * again, a late deletion cannot affect counting.
 */
export class DynamoDbRateLimitStore implements RateLimitStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(key: string, windowSeconds: number, nowMs: number): Promise<RateLimitCount> {
    const { startMs, endMs } = fixedWindow(windowSeconds, nowMs);
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `RATE#${key}`, SK: `WINDOW#${startMs / 1_000}` },
        UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
        ExpressionAttributeNames: { '#count': 'count', '#expiresAt': tableDefinition.timeToLiveAttribute },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': Math.ceil(endMs / 1_000) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = result.Attributes?.['count'];
    if (typeof count !== 'number') throw new Error(`rate-limit counter ${key} came back without a numeric count`);
    return { count, resetAtMs: endMs };
  }
}
