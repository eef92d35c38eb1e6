import type { Express } from 'express';
import { createApp } from '../../src/app';
import { ACCOUNT_FREE_FAILURES, FREE_FAILURES, MAX_DELAY_MS } from '../../src/domain/login-backoff';
import { PasswordHasher, type PasswordCheck } from '../../src/domain/password-hasher';
import type { StoredUser } from '../../src/domain/user';
import type { UserService } from '../../src/domain/user-service';
import {
  bearer,
  createRateLimitedTestApp,
  createTestUserService,
  SEED_PASSWORD,
  seedUser,
  sendFrom,
  storedUser,
  uniqueLoopbackAddress,
  type RawResponse,
} from '../helpers/user-fixtures';

// Issue 9, items 4, 6 and 7: password checks are counted per account AND source (the client address key the
// rate limiter uses), with an account-wide ceiling that only sources the owner uses may pass; concurrent
// checks reserve slots instead of racing on a counter; re-authentication on PATCH goes through all of it.

/** Real scrypt at a small cost (the policy is under test here, not the hash), counting real checks and burns. */
class CountingHasher extends PasswordHasher {
  checks = 0;
  burns = 0;
  // True only while a burn makes its own (synchronous) call to verify. A count of burns in flight would
  // also hide a real check made meanwhile by a concurrent request, and the count would depend on timing.
  private enteringBurn = false;

  constructor() {
    super({ log2N: 12, r: 8, p: 1 });
  }

  override async verify(password: string, storedHash: string): Promise<PasswordCheck> {
    if (!this.enteringBurn) this.checks += 1;
    return super.verify(password, storedHash);
  }

  override async burnEquivalentTime(password: string): Promise<void> {
    this.burns += 1;
    this.enteringBurn = true;
    let burning: Promise<void>;
    try {
      // The base class calls verify before its first await, so the flag is read while it is set.
      burning = super.burnEquivalentTime(password);
    } finally {
      this.enteringBurn = false;
    }
    await burning;
  }
}

interface Subject {
  readonly app: Express;
  readonly users: UserService;
  readonly hasher: CountingHasher;
}

/** The npm start app on the real table, its user service on a counting hasher (and, optionally, a frozen clock). */
function subject(options: { now?: () => number } = {}): Subject {
  const hasher = new CountingHasher();
  const { users, deps } = createTestUserService({ hasher, ...options });
  return { app: createApp({ ...deps, users }), users, hasher };
}

async function seedCheapUser(hasher: PasswordHasher): Promise<StoredUser> {
  return seedUser({ passwordHash: await hasher.hash(SEED_PASSWORD) });
}

function login(app: Express, from: string, email: string, password: string): Promise<RawResponse> {
  return sendFrom(app, from, { method: 'POST', path: '/auth/login', body: { email, password } });
}

describe('login attempts per account and source (npm start app, real DynamoDB Local)', () => {
  jest.setTimeout(60_000);

  it("lets the owner's correct password in from another address while a stranger's guesses have locked the stranger's own", async () => {
    // Arrange: a stranger spends the free failures, and more, on the account
    const { app, hasher } = subject();
    const user = await seedCheapUser(hasher);
    const stranger = uniqueLoopbackAddress();
    const owner = uniqueLoopbackAddress();
    for (let guess = 0; guess < FREE_FAILURES + 2; guess += 1) {
      expect((await login(app, stranger, user.email, `stranger guess ${guess}`)).status).toBe(401);
    }

    // Act
    const strangerWithTheRightPassword = await login(app, stranger, user.email, SEED_PASSWORD);
    const ownerFromElsewhere = await login(app, owner, user.email, SEED_PASSWORD);

    // Assert: the stranger is held back (even with the right password); the owner is not
    expect(strangerWithTheRightPassword).toMatchObject({ status: 401, body: { code: 'INVALID_CREDENTIALS' } });
    expect(ownerFromElsewhere).toMatchObject({ status: 200, body: { tokenType: 'Bearer' } });
  });

  it('refuses unknown addresses once guesses from many addresses put the account under attack, but not one its owner logged in from', async () => {
    // Arrange: the owner logs in from home, then wrong guesses arrive from many addresses, one each
    const { app, hasher } = subject();
    const user = await seedCheapUser(hasher);
    const home = uniqueLoopbackAddress();
    expect((await login(app, home, user.email, SEED_PASSWORD)).status).toBe(200);
    const guesses = await Promise.all(
      Array.from({ length: ACCOUNT_FREE_FAILURES }, (_, index) =>
        login(app, uniqueLoopbackAddress(), user.email, `distributed guess ${index}`),
      ),
    );

    // Act
    const checksBefore = hasher.checks;
    const fromANewAddress = await login(app, uniqueLoopbackAddress(), user.email, SEED_PASSWORD);
    const checksForTheNewAddress = hasher.checks - checksBefore;
    const fromHome = await login(app, home, user.email, SEED_PASSWORD);

    // Assert
    expect(guesses.every((guess) => guess.status === 401)).toBe(true);
    expect(fromANewAddress.status).toBe(401);
    expect(checksForTheNewAddress).toBe(0);
    expect(fromHome.status).toBe(200);
  });
});

describe('concurrent password checks on one account (real DynamoDB Local)', () => {
  jest.setTimeout(60_000);

  it('lets 10 concurrent correct logins of one account from one address all succeed', async () => {
    // Arrange
    const { app, hasher } = subject();
    const user = await seedCheapUser(hasher);
    const address = uniqueLoopbackAddress();

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => login(app, address, user.email, SEED_PASSWORD)),
    );

    // Assert
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: 0 });
  });

  it('checks at most the free failures of 12 concurrent wrong guesses, refusing the rest without a hash of their own', async () => {
    // Arrange: a clock that stands still, so no back-off runs out during the test
    const frozen = Date.now();
    const { users, hasher } = subject({ now: () => frozen });
    const user = await seedCheapUser(hasher);

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) =>
        users.login({ email: user.email, password: `concurrent guess ${index}`, source: '192.0.2.50' }),
      ),
    );

    // Assert: every guess refused; exactly the free failures were checked, the rest burnt equivalent time
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(hasher.checks).toBe(FREE_FAILURES);
    expect(hasher.burns).toBe(12 - FREE_FAILURES);
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: FREE_FAILURES });
  });
});

describe('an account under attack from many addresses (real DynamoDB Local)', () => {
  jest.setTimeout(60_000);

  it('gives unknown addresses one check in all per back-off period, even when they all arrive at once', async () => {
    // Arrange: far past the account-wide ceiling, its back-off (at most 15 minutes) just over
    const frozen = Date.now();
    const { users, hasher } = subject({ now: () => frozen });
    const user = await seedUser({
      passwordHash: await hasher.hash(SEED_PASSWORD),
      failedLoginCount: ACCOUNT_FREE_FAILURES + 10,
      lastFailedLoginAt: frozen - MAX_DELAY_MS,
    });
    const checksBefore = hasher.checks;

    // Act: six guesses from six addresses at the same moment
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, index) =>
        users.login({ email: user.email, password: `botnet guess ${index}`, source: `192.0.2.${100 + index}` }),
      ),
    );

    // Assert
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(hasher.checks - checksBefore).toBe(1);
    expect(await storedUser(user.id)).toMatchObject({
      failedLoginCount: ACCOUNT_FREE_FAILURES + 11,
      lastFailedLoginAt: frozen,
    });
  });
});

describe('re-authentication on PATCH /users/{id} (currentPassword)', () => {
  jest.setTimeout(60_000);

  function changePassword(
    app: Express,
    from: string,
    user: StoredUser,
    token: { Authorization: string },
    currentPassword: string,
    version = 1,
  ): Promise<RawResponse> {
    return sendFrom(app, from, {
      method: 'PATCH',
      path: `/users/${user.id}`,
      headers: { ...token, 'If-Match': `"v${version}"` },
      body: { password: 'the next password of mine', currentPassword },
    });
  }

  it('counts wrong currentPasswords as login failures of that address, and a locked address gets no hash beyond the burn', async () => {
    // Arrange: a stolen token guessing currentPassword from one address
    const { app, hasher } = subject();
    const user = await seedCheapUser(hasher);
    const token = await bearer(user.id);
    const thief = uniqueLoopbackAddress();
    for (let guess = 0; guess < FREE_FAILURES; guess += 1) {
      expect(await changePassword(app, thief, user, token, `thief guess ${guess}`)).toMatchObject({ status: 400 });
    }
    const checksBefore = hasher.checks;
    const burnsBefore = hasher.burns;

    // Act
    const patchWhileLocked = await changePassword(app, thief, user, token, SEED_PASSWORD);
    const loginWhileLocked = await login(app, thief, user.email, SEED_PASSWORD);
    const checksWhileLocked = hasher.checks - checksBefore;
    const burnsWhileLocked = hasher.burns - burnsBefore;
    const ownerLogin = await login(app, uniqueLoopbackAddress(), user.email, SEED_PASSWORD);

    // Assert
    expect(patchWhileLocked).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'currentPassword', message: 'is incorrect' }] },
    });
    expect(loginWhileLocked.status).toBe(401);
    expect([checksWhileLocked, burnsWhileLocked]).toEqual([0, 2]);
    expect(ownerLogin.status).toBe(200);
    expect(await storedUser(user.id)).toMatchObject({ passwordHash: user.passwordHash, version: 1 });
  });

  it("shares the login route's per-address rate limit, and a PATCH without currentPassword does not count", async () => {
    // Arrange: a limit of two password checks a minute per address
    const { app } = createRateLimitedTestApp(2, 60);
    const user = await seedUser();
    const token = await bearer(user.id);
    const address = uniqueLoopbackAddress();

    // Act
    const rename = await sendFrom(app, address, {
      method: 'PATCH',
      path: `/users/${user.id}`,
      headers: { ...token, 'If-Match': '"v1"' },
      body: { name: 'Renamed' },
    });
    const wrongLogin = await login(app, address, user.email, 'a wrong password!');
    const wrongCurrentPassword = await changePassword(app, address, user, token, 'another wrong password', 2);
    const third = await changePassword(app, address, user, token, SEED_PASSWORD, 2);

    // Assert
    expect([rename.status, wrongLogin.status, wrongCurrentPassword.status]).toEqual([200, 401, 400]);
    expect(third).toMatchObject({ status: 429, headers: { 'retry-after': '60' }, body: { code: 'TOO_MANY_REQUESTS' } });
  });
});
