import { eventSources } from '@lambdalith/testing';
import type { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import type { StoredUser } from '../../src/domain/user';
import { invoke, loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import { createOwnUsersTable, storedUserRecord, tokenFor } from '../helpers/user-fixtures';

// Issue 9, item 12, through the real Lambda handler: the last admin of a table (one of its own) cannot go.

let repository: DynamoDbUserRepository;
let tableName = '';

beforeAll(async () => {
  ({ repository, tableName } = await createOwnUsersTable('last-admin-lambda'));
});

// After the table's beforeAll: the function serves that table.
loadHandler(() => lambdaTestEnv({ TABLE_NAME: tableName, METRICS_ENABLED: 'false' }));

async function addAdmin(): Promise<StoredUser> {
  const admin = storedUserRecord({ role: 'admin', name: 'Admin' });
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
