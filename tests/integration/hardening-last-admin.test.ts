import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import request from 'supertest';
import type { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import { ADMIN_COUNT_KEY } from '../../src/data/user-keys';
import type { Role, StoredUser } from '../../src/domain/user';
import { createTestApp } from '../helpers/test-app';
import { createOwnUsersTable, storedUserRecord, tokenFor } from '../helpers/user-fixtures';

// Issue 9, item 12: the last admin could demote or delete itself, leaving nobody able to grant the role.
// Each test has a table of its own: "the last admin" is a property of the whole table.

function freshTable(): ReturnType<typeof createOwnUsersTable> {
  return createOwnUsersTable('last-admin');
}

async function addUser(repository: DynamoDbUserRepository, role: Role): Promise<StoredUser> {
  // Its password is never checked here: no test logs in.
  const user = storedUserRecord({ role, name: 'Someone' });
  await repository.create(user);
  return user;
}

/** A token for a user of this table (tokenFor reads the generation from the shared test table; 0 is right here). */
async function authorization(user: StoredUser): Promise<{ Authorization: string }> {
  return { Authorization: `Bearer ${await tokenFor(user.id)}` };
}

const lastAdminProblem = {
  status: 409,
  headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  body: {
    code: 'LAST_ADMIN',
    detail: 'The last admin cannot be demoted or deleted; make another user admin first',
  },
};

describe('the last admin', () => {
  jest.setTimeout(30_000);

  it('cannot demote itself: 409 LAST_ADMIN, and nothing changes', async () => {
    // Arrange
    const { app, repository } = await freshTable();
    const admin = await addUser(repository, 'admin');
    await addUser(repository, 'user');

    // Act
    const response = await request(app)
      .patch(`/users/${admin.id}`)
      .set({ ...(await authorization(admin)), 'If-Match': '"v1"' })
      .send({ role: 'user' });

    // Assert
    expect(response).toMatchObject(lastAdminProblem);
    expect(await repository.findById(admin.id)).toMatchObject({
      role: 'admin',
      version: 1,
    });
  });

  it('cannot delete itself: 409 LAST_ADMIN, and nothing changes', async () => {
    // Arrange
    const { app, repository } = await freshTable();
    const admin = await addUser(repository, 'admin');

    // Act
    const response = await request(app)
      .delete(`/users/${admin.id}`)
      .set(await authorization(admin));

    // Assert
    expect(response).toMatchObject(lastAdminProblem);
    expect(await repository.findById(admin.id)).toMatchObject({
      role: 'admin',
    });
  });

  it('may demote or delete itself while another admin remains', async () => {
    // Arrange
    const { app, repository } = await freshTable();
    const first = await addUser(repository, 'admin');
    const second = await addUser(repository, 'admin');
    const third = await addUser(repository, 'admin');

    // Act
    const demoted = await request(app)
      .patch(`/users/${first.id}`)
      .set({ ...(await authorization(first)), 'If-Match': '"v1"' })
      .send({ role: 'user' });
    const deleted = await request(app)
      .delete(`/users/${second.id}`)
      .set(await authorization(second));
    const lastOne = await request(app)
      .delete(`/users/${third.id}`)
      .set(await authorization(third));

    // Assert
    expect([demoted.status, deleted.status]).toEqual([200, 204]);
    expect(lastOne).toMatchObject(lastAdminProblem);
  });

  it('of two admins demoting themselves at the same moment, exactly one succeeds', async () => {
    // Arrange
    const { app, repository } = await freshTable();
    const admins = [await addUser(repository, 'admin'), await addUser(repository, 'admin')];

    // Act
    const responses = await Promise.all(
      admins.map(async (admin) =>
        request(app)
          .patch(`/users/${admin.id}`)
          .set({ ...(await authorization(admin)), 'If-Match': '"v1"' })
          .send({ role: 'user' }),
      ),
    );

    // Assert
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const roles = await Promise.all(admins.map(async (admin) => (await repository.findById(admin.id))?.role));
    expect(roles.sort()).toEqual(['admin', 'user']);
  });

  it('of two admins demoting each other at the same moment, one stays admin', async () => {
    // Arrange
    const { app, repository } = await freshTable();
    const [a, b] = [await addUser(repository, 'admin'), await addUser(repository, 'admin')];

    // Act
    const [aDemotesB, bDemotesA] = await Promise.all([
      request(app)
        .patch(`/users/${b.id}`)
        .set({ ...(await authorization(a)), 'If-Match': '"v1"' })
        .send({ role: 'user' }),
      request(app)
        .patch(`/users/${a.id}`)
        .set({ ...(await authorization(b)), 'If-Match': '"v1"' })
        .send({ role: 'user' }),
    ]);

    // Assert: one wins; the other is refused as the last admin or, demoted meanwhile, loses its token or role
    expect([aDemotesB.status, bDemotesA.status].filter((status) => status === 200)).toHaveLength(1);
    const roles = [(await repository.findById(a.id))?.role, (await repository.findById(b.id))?.role];
    expect(roles.sort()).toEqual(['admin', 'user']);
  });

  it('is guarded on a table from before the admin count existed: the count is made from the users first', async () => {
    // Arrange: two admins, and the count removed, as in a table written by an older release
    const { app, repository, deps, tableName } = await freshTable();
    const [a, b] = [await addUser(repository, 'admin'), await addUser(repository, 'admin')];
    await deps.documentClient.send(new DeleteCommand({ TableName: tableName, Key: ADMIN_COUNT_KEY }));

    // Act (a fresh app: its repository has not seen the count yet)
    const { app: restarted } = createTestApp({
      TABLE_NAME: tableName,
      AUTH_RATE_LIMIT: '1000000',
    });
    const first = await request(restarted)
      .patch(`/users/${a.id}`)
      .set({ ...(await authorization(a)), 'If-Match': '"v1"' })
      .send({ role: 'user' });
    const second = await request(app)
      .delete(`/users/${b.id}`)
      .set(await authorization(b));

    // Assert
    expect(first.status).toBe(200);
    expect(second).toMatchObject(lastAdminProblem);
    const count = await deps.documentClient.send(
      new GetCommand({
        TableName: tableName,
        Key: ADMIN_COUNT_KEY,
        ConsistentRead: true,
      }),
    );
    expect(count.Item).toMatchObject({ admins: 1 });
  });
});
