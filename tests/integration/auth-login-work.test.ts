import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FREE_FAILURES } from '../../src/domain/login-backoff';
import type { UserService } from '../../src/domain/user-service';
import { createUsersTestApp, seedUser, storedUser, uniqueEmail } from '../helpers/user-fixtures';
import { problemMap } from '../../src/routes/problem-map';

/** The status a client would get for the service's error, decided where the app decides it. */
const problemFor = problemMap({ isStoreUnavailable: () => false });

/**
 * A DynamoDB call as a timing observer would tell it apart: the operation, the kind of item, how it is read or written.
 */
interface DynamoDbCall {
  readonly operation: string;
  readonly item: string;
  readonly consistentRead?: boolean;
  readonly conditional?: boolean;
}

function describeCall(command: unknown): DynamoDbCall {
  if (command instanceof GetCommand) {
    return {
      operation: 'GetItem',
      item: itemKind(command.input.Key),
      consistentRead: command.input.ConsistentRead === true,
    };
  }
  if (command instanceof UpdateCommand) {
    return {
      operation: 'UpdateItem',
      item: itemKind(command.input.Key),
      conditional: command.input.ConditionExpression !== undefined,
    };
  }
  return { operation: command instanceof Object ? command.constructor.name : typeof command, item: '?' };
}

function itemKind(key: Record<string, unknown> | undefined): string {
  return String(key?.['PK']).replace(/#.*$/, '#…');
}

/** The service on the real table, and the DynamoDB calls it makes during `act`. */
async function dynamoDbCallsOf(act: (users: UserService) => Promise<unknown>): Promise<DynamoDbCall[]> {
  const { deps } = createUsersTestApp();
  const send = jest.spyOn(deps.documentClient, 'send');
  await act(deps.users);
  return send.mock.calls.map(([command]) => describeCall(command));
}

async function refusedLogin(users: UserService, email: string, password: string): Promise<void> {
  const outcome = await users.login({ email, password, source: '198.51.100.41' }).then(
    () => 200,
    (error: unknown) => problemFor(error)?.status ?? error,
  );
  expect(outcome).toBe(401);
}

describe('login refusals on DynamoDB Local', () => {
  jest.setTimeout(30_000);

  it('makes the same DynamoDB calls for an unknown email, a wrong password and a locked account', async () => {
    // Arrange: the account under attack for the longest back-off (so the lock holds however long the test
    // takes), and this source not one its owner uses
    const user = await seedUser();
    const locked = await seedUser({ failedLoginCount: FREE_FAILURES + 20, lastFailedLoginAt: Date.now() });

    // Act
    const wrongPassword = await dynamoDbCallsOf((users) => refusedLogin(users, user.email, 'a wrong password'));
    const unknownEmail = await dynamoDbCallsOf((users) =>
      refusedLogin(users, uniqueEmail('unknown'), 'a wrong password'),
    );
    const lockedAccount = await dynamoDbCallsOf((users) => refusedLogin(users, locked.email, 'a wrong password'));

    // Assert
    expect(wrongPassword).toEqual([
      { operation: 'GetItem', item: 'EMAIL#…', consistentRead: true },
      { operation: 'GetItem', item: 'USER#…', consistentRead: true },
      // The source's attempts (an item in the user's partition): read, reserve, then settle as a failure,
      // and the account-wide count on the user item.
      { operation: 'GetItem', item: 'USER#…', consistentRead: true },
      { operation: 'UpdateItem', item: 'USER#…', conditional: true },
      { operation: 'UpdateItem', item: 'USER#…', conditional: true },
      { operation: 'UpdateItem', item: 'USER#…', conditional: true },
    ]);
    expect(unknownEmail).toEqual(wrongPassword);
    expect(lockedAccount).toEqual(wrongPassword);
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: 1 });
    expect(await storedUser(locked.id)).toMatchObject({
      failedLoginCount: FREE_FAILURES + 20,
      lastFailedLoginAt: locked.lastFailedLoginAt,
    });
  });
});
