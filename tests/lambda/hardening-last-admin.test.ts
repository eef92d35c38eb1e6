import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { createTableIfMissing } from '../../src/data/create-table';
import { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import type { StoredUser } from '../../src/domain/user';
import { lambdaContext } from '@lambdalith/testing';
import { eventSources, type EventSource, type HttpRequestSpec, type NormalizedResponse } from '@lambdalith/testing';
import { createTestApp } from '../helpers/test-app';
import { lambdaTestEnv } from '../helpers/test-environment';
import { tokenFor, uniqueEmail } from '../helpers/user-fixtures';

// Issue 9, item 12, through the real Lambda handler: the last admin of a table (one of its own) cannot go.

type Handler = (event: object, context: Context) => Promise<unknown>;

const tableName = `last-admin-lambda-${randomUUID()}`;
let handler: Handler;
let repository: DynamoDbUserRepository;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const { deps } = createTestApp({ TABLE_NAME: tableName });
  await createTableIfMissing(deps.documentClient, tableName);
  repository = new DynamoDbUserRepository(deps.documentClient, tableName);
  Object.assign(process.env, lambdaTestEnv({ TABLE_NAME: tableName, METRICS_ENABLED: 'false' }));
  ({ handler } = (await import('../../src/lambda')) as { handler: Handler });
});

afterAll(() => {
  process.env = savedEnv;
});

async function invoke(source: EventSource, spec: HttpRequestSpec): Promise<NormalizedResponse> {
  return source.parseResult(await handler(source.event(spec), lambdaContext()));
}

async function addAdmin(): Promise<StoredUser> {
  const now = new Date().toISOString();
  const admin: StoredUser = {
    id: randomUUID(),
    email: uniqueEmail('admin'),
    name: 'Admin',
    role: 'admin',
    createdAt: now,
    updatedAt: now,
    version: 1,
    passwordHash: 'scrypt$17$8$1$not-a-real-hash',
    failedLoginCount: 0,
    lastFailedLoginAt: undefined,
    tokenGeneration: 0,
    tokensRevokedAt: undefined,
  };
  await repository.create(admin);
  return admin;
}

describe.each(eventSources.filter((source) => source.name === 'API Gateway HTTP API (v2)'))(
  'the last admin behind $name',
  (source) => {
    jest.setTimeout(30_000);

    it('cannot delete itself: 409 LAST_ADMIN problem, and it is still there', async () => {
      // Arrange
      const admin = await addAdmin();

      // Act
      const response = await invoke(source, {
        method: 'DELETE',
        path: `/users/${admin.id}`,
        headers: { Authorization: `Bearer ${await tokenFor(admin.id)}` },
      });

      // Assert
      expect(response).toMatchObject({
        statusCode: 409,
        headers: { 'content-type': 'application/problem+json; charset=utf-8' },
      });
      expect(JSON.parse(response.body)).toMatchObject({ code: 'LAST_ADMIN' });
      expect(await repository.findById(admin.id)).toMatchObject({
        role: 'admin',
      });
    });
  },
);
