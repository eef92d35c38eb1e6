import { availableParallelism } from 'node:os';
import { GetCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import request from 'supertest';
import { emailKey } from '../../src/data/user-keys';
import { PasswordHasher } from '../../src/domain/password-hasher';
import { TEST_TABLE_NAME } from '../helpers/test-environment';
import { createUsersTestApp, uniqueEmail } from '../helpers/user-fixtures';

const CONCURRENT_REGISTRATIONS = 50;

describe('POST /auth/register under concurrency', () => {
  // Registrations hash one per core; the waiting ones re-check the email first, so only the first few hash.
  jest.setTimeout(60_000);

  it('gives exactly one 201 and 49 409s, no 5xx, and stores exactly one user, for 50 simultaneous registrations of one email', async () => {
    // Arrange: one app (one process, one client), all 50 requests in flight at once; the spellings differ
    // in case and surrounding space but share one canonical email.
    // DynamoDB Local serialises writes to one item: the 50 rate-limit increments on this client's counter
    // take up to ~2 s to get through, past the 1 s socket timeout meant for DynamoDB itself (which takes
    // milliseconds). Timeouts are the health tests' subject; here a patient client keeps them out of it.
    const { app, deps } = createUsersTestApp({ DYNAMODB_REQUEST_TIMEOUT_MS: '10000' });
    const canonical = uniqueEmail('race');
    const hashes = jest.spyOn(PasswordHasher.prototype, 'hash');
    const spellings = Array.from({ length: CONCURRENT_REGISTRATIONS }, (_, index) =>
      index % 2 === 0 ? canonical : `  ${canonical.toUpperCase()} `,
    );

    // Act
    const responses = await Promise.all(
      spellings.map((email, index) =>
        request(app)
          .post('/auth/register')
          .send({ email, password: 'race condition password', name: `Racer ${index}` }),
      ),
    );

    // Assert: the statuses
    const statuses = responses.map((response) => response.status);
    const created = responses.filter((response) => response.status === 201);
    const conflicts = responses.filter((response) => response.status === 409);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(CONCURRENT_REGISTRATIONS - 1);
    for (const conflict of conflicts) {
      expect(conflict.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(conflict.body).toMatchObject({ status: 409, code: 'EMAIL_TAKEN', title: 'Conflict' });
    }

    // Assert: the table holds exactly one user with that email, and the email item points at it
    const winner = created[0]?.body as { id: string; email: string };
    expect(winner.email).toBe(canonical);
    const users: Record<string, unknown>[] = [];
    let startKey: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page = await deps.documentClient.send(
        new ScanCommand({
          TableName: TEST_TABLE_NAME,
          FilterExpression: '#type = :user AND email = :email',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':user': 'USER', ':email': canonical },
          ExclusiveStartKey: startKey,
        }),
      );
      users.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    expect(users.map((user) => user['id'])).toEqual([winner.id]);
    const claim = await deps.documentClient.send(
      new GetCommand({ TableName: TEST_TABLE_NAME, Key: emailKey(canonical), ConsistentRead: true }),
    );
    expect(claim.Item).toMatchObject({ userId: winner.id });

    // Assert: the duplicates were turned away before hashing, beyond the first one per core
    expect(hashes.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(hashes.mock.calls.length).toBeLessThanOrEqual(availableParallelism());
  });
});
