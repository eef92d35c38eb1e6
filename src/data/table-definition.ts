import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single source of truth for the application table: the embedded DynamoDB Local creates it from
 * this, and a contract test fails when `template.yaml` declares anything else.
 *
 * Single-table design (see docs/data-model.md):
 * - `PK`/`SK`: the item's identity (`USER#<id>`/`PROFILE`, `EMAIL#<email>`/`EMAIL`, `RATE#…`/`WINDOW#…`).
 * - `GSI1`: `GSI1PK`/`GSI1SK` for newest-first listings (`USERS` / `<createdAt>#<id>`; one owner's orders,
 *   `ORDERS#<userId>` / `<createdAt>#<id>`), read with Query.
 * - `GSI2`: `GSI2PK`/`GSI2SK` for newest-first listings filtered in the key (one owner's orders in one status,
 *   `ORDERS#<userId>#<status>` / `<createdAt>#<id>`; see `order-keys.ts`).
 * - `expiresAt`: TTL in epoch seconds, for items that expire (rate-limit windows, idempotency records).
 */
export const tableDefinition = {
  keySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  attributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    { AttributeName: 'GSI1PK', AttributeType: 'S' },
    { AttributeName: 'GSI1SK', AttributeType: 'S' },
    { AttributeName: 'GSI2PK', AttributeType: 'S' },
    { AttributeName: 'GSI2SK', AttributeType: 'S' },
  ],
  globalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: 'GSI2',
      KeySchema: [
        { AttributeName: 'GSI2PK', KeyType: 'HASH' },
        { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
} as const;

/** The `CreateTable` request for `tableName`, on-demand like the deployed table. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: tableDefinition.keySchema.map((key) => ({ ...key })),
    AttributeDefinitions: tableDefinition.attributeDefinitions.map((attribute) => ({ ...attribute })),
    GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema.map((key) => ({ ...key })),
      Projection: { ...index.Projection },
    })),
  };
}
