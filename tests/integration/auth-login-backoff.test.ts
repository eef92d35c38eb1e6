import { FREE_FAILURES, MAX_DELAY_MS } from '../../src/domain/login-backoff';
import type { UserService } from '../../src/domain/user-service';
import { createTestUserService, SEED_PASSWORD, seedUser, storedUser } from '../helpers/user-fixtures';
import { problemMap } from '../../src/routes/problem-map';

/** The status a client would get for the service's error, decided where the app decides it. */
const problemFor = problemMap({ isStoreUnavailable: () => false });

// The service on the real table and the real hasher, with a clock the test moves (no sleeping).
function serviceWithClock(clock: { now: number }): UserService {
  return createTestUserService({ now: () => clock.now }).users;
}

async function loginOutcome(service: UserService, email: string, password: string): Promise<number> {
  try {
    await service.login({ email, password, source: '198.51.100.40' });
    return 200;
  } catch (error) {
    const problem = problemFor(error);
    if (problem !== undefined) return problem.status;
    throw error;
  }
}

describe('login back-off', () => {
  jest.setTimeout(60_000);

  it('refuses even the right password after five failures, until the back-off has passed', async () => {
    // Arrange
    const clock = { now: Date.parse('2030-01-01T00:00:00.000Z') };
    const service = serviceWithClock(clock);
    const user = await seedUser();
    for (let attempt = 0; attempt < FREE_FAILURES; attempt += 1) {
      expect(await loginOutcome(service, user.email, `wrong password ${attempt}`)).toBe(401);
    }

    // Act
    clock.now += 999;
    const whileLocked = await loginOutcome(service, user.email, SEED_PASSWORD);
    clock.now += 1;
    const afterBackoff = await loginOutcome(service, user.email, SEED_PASSWORD);

    // Assert
    expect([whileLocked, afterBackoff]).toEqual([401, 200]);
    expect(await storedUser(user.id)).toMatchObject({ failedLoginCount: 0 });
  });

  it('never locks an account for longer than fifteen minutes, however many failures it has', async () => {
    // Arrange: an account under a long attack, its last failure just now
    const clock = { now: Date.parse('2030-01-01T00:00:00.000Z') };
    const service = serviceWithClock(clock);
    const user = await seedUser({ failedLoginCount: 10_000, lastFailedLoginAt: clock.now });

    // Act
    clock.now += MAX_DELAY_MS - 1;
    const justBefore = await loginOutcome(service, user.email, SEED_PASSWORD);
    clock.now += 1;
    const atTheCap = await loginOutcome(service, user.email, SEED_PASSWORD);

    // Assert
    expect([justBefore, atTheCap]).toEqual([401, 200]);
  });

  it('counts parallel guesses one by one, so a burst cannot slip past the lock', async () => {
    // Arrange
    const clock = { now: Date.parse('2030-01-01T00:00:00.000Z') };
    const service = serviceWithClock(clock);
    const user = await seedUser();

    // Act: twelve wrong guesses at once, all reading the same (zero) count
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) => loginOutcome(service, user.email, `parallel guess ${index}`)),
    );

    // Assert: every guess was refused, and at most the free failures were checked (each check is counted
    // before it runs; a guess that cannot claim a count is refused unchecked)
    expect(outcomes.every((status) => status === 401)).toBe(true);
    const stored = await storedUser(user.id);
    expect(stored?.failedLoginCount).toBeGreaterThanOrEqual(1);
    expect(stored?.failedLoginCount).toBeLessThanOrEqual(FREE_FAILURES);
  });
});
