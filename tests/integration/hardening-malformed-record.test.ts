import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PROBLEM_CONTENT_TYPE } from '@lambdalith/middleware';
import request from 'supertest';
import { emailKey, userKey } from '../../src/data/user-keys';
import { TEST_TABLE_NAME } from '../helpers/test-environment';
import { bearer, createOwnUsersTable, createUsersTestApp, seedUser, storedUserRecord } from '../helpers/user-fixtures';

// Issue 9 item 3: a record stored with the wrong shape (before validation was exact, by an older version, or by
// hand) is a problem for that record alone: the listing still answers, reading it is a problem, deleting works.
describe('a malformed stored user record (role stored as a list)', () => {
  const { app, deps } = createUsersTestApp();

  async function malformedUser(): Promise<{ id: string; email: string }> {
    const user = await seedUser();
    await deps.documentClient.send(
      new UpdateCommand({
        TableName: TEST_TABLE_NAME,
        Key: userKey(user.id),
        UpdateExpression: 'SET #role = :list',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':list': ['user'] },
      }),
    );
    return user;
  }

  it('leaves it out of GET /users, which still answers 200 with every other user in full pages', async () => {
    // Arrange
    const broken = await malformedUser();
    const healthy = await seedUser();
    const admin = await seedUser({ role: 'admin' });
    const headers = await bearer(admin.id);

    // Act: the whole listing (other tests add users to the same table meanwhile)
    const ids: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1_000; page += 1) {
      const response: request.Response = await request(app)
        .get('/users')
        .query(cursor === null ? { limit: 100 } : { limit: 100, cursor })
        .set(headers);
      expect(response.status).toBe(200);
      const body = response.body as { items: { id: string }[]; nextCursor: string | null };
      ids.push(...body.items.map((user) => user.id));
      pageSizes.push(body.items.length);
      cursor = body.nextCursor;
      if (cursor === null) break;
    }

    // Assert
    expect(ids).toContain(healthy.id);
    expect(ids).toContain(admin.id);
    expect(ids).not.toContain(broken.id);
    // The page that held it reads on past it: every page but the last is still full.
    expect(pageSizes.slice(0, -1).every((size) => size === 100)).toBe(true);
  });

  it('answers GET /users/{id} with a 500 problem naming the record as malformed, and no internals', async () => {
    // Arrange
    const broken = await malformedUser();
    const admin = await seedUser({ role: 'admin' });

    // Act
    const response = await request(app)
      .get(`/users/${broken.id}`)
      .set(await bearer(admin.id));

    // Assert
    expect(response).toMatchObject({ status: 500, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
    expect(JSON.parse(response.text)).toMatchObject({
      status: 500,
      code: 'USER_RECORD_MALFORMED',
      detail: expect.not.stringMatching(/role|USER#|malformed user|stack/i),
    });
    expect(response.text).not.toMatch(/at .*\.ts|USER#/);
  });

  it('lets an admin DELETE it, with its email claim, so the address can register again', async () => {
    // Arrange
    const broken = await malformedUser();
    const admin = await seedUser({ role: 'admin' });
    const headers = await bearer(admin.id);

    // Act
    const deleted = await request(app).delete(`/users/${broken.id}`).set(headers);
    const readAgain = await request(app).get(`/users/${broken.id}`).set(headers);

    // Assert
    expect(deleted.status).toBe(204);
    expect(readAgain.status).toBe(404);
    const claim = await deps.documentClient.send(
      new GetCommand({ TableName: TEST_TABLE_NAME, Key: emailKey(broken.email), ConsistentRead: true }),
    );
    expect(claim.Item).toBeUndefined();
  });
});

describe('DynamoDbUserRepository.listNewestFirst past a malformed record (a table of its own)', () => {
  it('fills the page from the records after it, and reports it once, on the page that held it', async () => {
    // Arrange: four users a millisecond apart, the second newest malformed
    const { deps, tableName, repository } = await createOwnUsersTable('malformed-listing');
    const base = Date.now();
    const users = [0, 1, 2, 3].map((offset) => storedUserRecord({ createdAt: new Date(base + offset).toISOString() }));
    for (const user of users) await repository.create(user);
    const [oldest, second, malformed, newest] = users.map((user) => user.id);
    await deps.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: userKey(malformed ?? ''),
        UpdateExpression: 'SET #role = :list',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':list': ['user'] },
      }),
    );

    // Act
    const first = await repository.listNewestFirst(2, undefined);
    const rest = await repository.listNewestFirst(2, first.next);

    // Assert
    expect({
      ids: first.users.map((user) => user.id),
      malformed: first.malformed,
      more: first.next !== undefined,
    }).toEqual({ ids: [newest, second], malformed: [malformed], more: true });
    expect({ ids: rest.users.map((user) => user.id), malformed: rest.malformed, next: rest.next }).toEqual({
      ids: [oldest],
      malformed: [],
      next: undefined,
    });
  });
});
