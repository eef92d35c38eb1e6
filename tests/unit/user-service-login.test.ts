import { InvalidCredentialsError } from '../../src/domain/errors';
import type { UserChanges, UserPage, UserRepository } from '../../src/domain/user-repository';
import { FREE_FAILURES, NO_ATTEMPTS, type PasswordAttempts } from '../../src/domain/login-backoff';
import { PaginationCursorCodec } from '../../src/domain/pagination-cursor';
import { PasswordHasher } from '../../src/domain/password-hasher';
import type { StoredUser } from '../../src/domain/user';
import { UserService } from '../../src/domain/user-service';

/** An in-memory repository that records the name of every call made to it. */
class RecordingRepository implements UserRepository {
  readonly calls: string[] = [];
  private readonly users = new Map<string, StoredUser>();
  private readonly attempts = new Map<string, PasswordAttempts>();

  constructor(users: StoredUser[]) {
    for (const user of users) this.users.set(user.id, user);
  }

  stored(id: string): StoredUser | undefined {
    return this.users.get(id);
  }

  async create(user: StoredUser): Promise<void> {
    this.calls.push('create');
    this.users.set(user.id, user);
  }

  async findById(id: string): Promise<StoredUser | undefined> {
    this.calls.push('findById');
    return this.users.get(id);
  }

  async findUserIdByEmail(email: string): Promise<string | undefined> {
    this.calls.push('findUserIdByEmail');
    return [...this.users.values()].find((user) => user.email === email)?.id;
  }

  async isEmailTaken(email: string): Promise<boolean> {
    this.calls.push('isEmailTaken');
    return [...this.users.values()].some((user) => user.email === email);
  }

  async listNewestFirst(): Promise<UserPage> {
    this.calls.push('listNewestFirst');
    return { users: [], next: undefined, malformed: [] };
  }

  async update(current: StoredUser, changes: UserChanges, updatedAt: string): Promise<StoredUser> {
    this.calls.push('update');
    const next = { ...current, ...changes, updatedAt, version: current.version + 1 };
    this.users.set(current.id, next);
    return next;
  }

  async revokeTokens(id: string): Promise<boolean> {
    this.calls.push('revokeTokens');
    return this.users.has(id);
  }

  async delete(id: string): Promise<boolean> {
    this.calls.push('delete');
    return this.users.delete(id);
  }

  async findPasswordAttempts(userId: string | undefined, source: string): Promise<PasswordAttempts> {
    this.calls.push('findPasswordAttempts');
    return (userId === undefined ? undefined : this.attempts.get(`${userId} ${source}`)) ?? NO_ATTEMPTS;
  }

  async reservePasswordAttempt(
    userId: string | undefined,
    source: string,
    allowance: number,
    atMs: number,
  ): Promise<boolean> {
    this.calls.push('reservePasswordAttempt');
    if (userId === undefined) return false;
    const attempts = this.attempts.get(`${userId} ${source}`) ?? NO_ATTEMPTS;
    if (attempts.slots >= allowance) return false;
    this.setAttempts(userId, source, {
      ...attempts,
      slots: attempts.slots + 1,
      inFlight: attempts.inFlight + 1,
      lastReservedAt: atMs,
    });
    return true;
  }

  async recordPasswordFailure(userId: string | undefined, source: string, atMs: number): Promise<void> {
    this.calls.push('recordPasswordFailure');
    const user = userId === undefined ? undefined : this.users.get(userId);
    if (userId === undefined || user === undefined) return;
    const attempts = this.attempts.get(`${userId} ${source}`) ?? NO_ATTEMPTS;
    this.setAttempts(userId, source, { ...attempts, inFlight: attempts.inFlight - 1, lastFailureAt: atMs });
    this.users.set(userId, { ...user, failedLoginCount: user.failedLoginCount + 1, lastFailedLoginAt: atMs });
  }

  async recordPasswordSuccess(userId: string, source: string, atMs: number): Promise<void> {
    this.calls.push('recordPasswordSuccess');
    const attempts = this.attempts.get(`${userId} ${source}`) ?? NO_ATTEMPTS;
    this.setAttempts(userId, source, {
      ...attempts,
      slots: attempts.inFlight - 1,
      inFlight: attempts.inFlight - 1,
      lastFailureAt: undefined,
      lastSuccessAt: atMs,
    });
    const user = this.users.get(userId);
    if (user !== undefined) this.users.set(userId, { ...user, failedLoginCount: 0, lastFailedLoginAt: undefined });
  }

  async replacePasswordHash(userId: string, rehash: { readonly from: string; readonly to: string }): Promise<void> {
    this.calls.push('replacePasswordHash');
    const user = this.users.get(userId);
    if (user !== undefined && user.passwordHash === rehash.from)
      this.users.set(userId, { ...user, passwordHash: rehash.to });
  }

  async claimAccountWideCheck(): Promise<boolean> {
    this.calls.push('claimAccountWideCheck');
    return true;
  }

  async releaseAbandonedAttempts(userId: string, source: string, lastReservedAt: number): Promise<void> {
    this.calls.push('releaseAbandonedAttempts');
    const attempts = this.attempts.get(`${userId} ${source}`);
    if (attempts?.lastReservedAt === lastReservedAt) this.setAttempts(userId, source, { ...attempts, inFlight: 0 });
  }

  setAttempts(userId: string, source: string, attempts: PasswordAttempts): void {
    this.attempts.set(`${userId} ${source}`, attempts);
  }

  storedAttempts(userId: string, source: string): PasswordAttempts | undefined {
    return this.attempts.get(`${userId} ${source}`);
  }
}

/** Cheap scrypt parameters (a unit test need not pay for OWASP's), recording every verification. */
class RecordingHasher extends PasswordHasher {
  constructor(private readonly calls: string[]) {
    super({ log2N: 10, r: 8, p: 1 });
  }

  override async verify(password: string, storedHash: string): Promise<{ matches: boolean; needsRehash: boolean }> {
    this.calls.push('verify');
    return super.verify(password, storedHash);
  }
}

const NOW = Date.UTC(2030, 0, 1);
const PASSWORD = 'the right password';
const SOURCE = '192.0.2.1';

async function setUp(
  user: Omit<StoredUser, 'passwordHash'>,
  sleep: (ms: number) => Promise<void> = async () => undefined,
): Promise<{ service: UserService; calls: string[]; repository: RecordingRepository }> {
  const passwordHash = await new PasswordHasher({ log2N: 10, r: 8, p: 1 }).hash(PASSWORD);
  const repository = new RecordingRepository([{ ...user, passwordHash }]);
  const calls = repository.calls;
  const service = new UserService({
    repository,
    hasher: new RecordingHasher(calls),
    tokens: { issue: async () => ({ accessToken: 'token', expiresIn: 60 }) },
    cursors: new PaginationCursorCodec({ secret: 'unit-test-secret-unit-test-secret-unit-test', ttlSeconds: 60 }),
    emails: { send: async () => undefined },
    onWelcomeEmailFailed: () => undefined,
    now: () => NOW,
    sleep,
  });
  return { service, calls, repository };
}

function knownUser(overrides: Partial<StoredUser> = {}): Omit<StoredUser, 'passwordHash'> {
  return {
    id: '0b7b6c1e-5d6f-4a1b-8c9d-0e1f2a3b4c5d',
    email: 'known@example.com',
    name: 'Known',
    role: 'user',
    createdAt: '2029-01-01T00:00:00.000Z',
    updatedAt: '2029-01-01T00:00:00.000Z',
    version: 1,
    failedLoginCount: 0,
    lastFailedLoginAt: undefined,
    tokenGeneration: 0,
    tokensRevokedAt: undefined,
    ...overrides,
  };
}

async function refusal(service: UserService, email: string, password: string): Promise<unknown> {
  return service.login({ email, password, source: SOURCE }).then(
    () => 'logged in',
    (error: unknown) => error,
  );
}

describe('UserService.login refusals', () => {
  it('makes the same repository calls and the same hash for an unknown email as for a wrong password', async () => {
    // Arrange
    const wrongPassword = await setUp(knownUser());
    const unknownEmail = await setUp(knownUser());

    // Act
    const refusedForPassword = await refusal(wrongPassword.service, 'known@example.com', 'a wrong password');
    const refusedForEmail = await refusal(unknownEmail.service, 'nobody@example.com', 'a wrong password');

    // Assert
    expect(refusedForPassword).toBeInstanceOf(InvalidCredentialsError);
    expect(refusedForEmail).toBeInstanceOf(InvalidCredentialsError);
    expect(wrongPassword.calls).toEqual([
      'findUserIdByEmail',
      'findById',
      'findPasswordAttempts',
      'reservePasswordAttempt',
      'verify',
      'recordPasswordFailure',
    ]);
    expect(unknownEmail.calls).toEqual(wrongPassword.calls);
  });

  it('makes the same repository calls and the same hash for a locked account, without counting a failure', async () => {
    // Arrange: this source just past its free failures, the last one a moment ago
    const user = knownUser({ failedLoginCount: FREE_FAILURES, lastFailedLoginAt: NOW - 10 });
    const locked = await setUp(user);
    const lockedAttempts = { ...NO_ATTEMPTS, slots: FREE_FAILURES, lastFailureAt: NOW - 10 };
    locked.repository.setAttempts(user.id, SOURCE, lockedAttempts);
    const wrongPassword = await setUp(knownUser());

    // Act: even the right password is refused while locked
    const refusedWhileLocked = await refusal(locked.service, user.email, PASSWORD);
    await refusal(wrongPassword.service, user.email, 'a wrong password');

    // Assert
    expect(refusedWhileLocked).toBeInstanceOf(InvalidCredentialsError);
    expect(locked.calls).toEqual(wrongPassword.calls);
    expect(locked.repository.stored(user.id)).toMatchObject({
      failedLoginCount: FREE_FAILURES,
      lastFailedLoginAt: NOW - 10,
    });
    expect(locked.repository.storedAttempts(user.id, SOURCE)).toEqual(lockedAttempts);
  });

  it('counts the wrong password against the account, and nothing against anyone for an unknown email', async () => {
    // Arrange
    const { service, repository } = await setUp(knownUser());

    // Act
    await refusal(service, 'nobody@example.com', 'a wrong password');
    const afterUnknownEmail = repository.stored(knownUser().id);
    await refusal(service, 'known@example.com', 'a wrong password');

    // Assert
    expect(afterUnknownEmail).toMatchObject({ failedLoginCount: 0 });
    expect(repository.stored(knownUser().id)).toMatchObject({ failedLoginCount: 1, lastFailedLoginAt: NOW });
  });
});

describe('UserService.login waiting for a slot', () => {
  it("waits while the source's own checks are in flight, and checks the password once one of them frees a slot", async () => {
    // Arrange: every slot taken by checks in flight from this source; the first pause sees one succeed
    const user = knownUser();
    const waits: number[] = [];
    let repository: RecordingRepository | undefined;
    const setup = await setUp(user, async (ms) => {
      waits.push(ms);
      const attempts = repository?.storedAttempts(user.id, SOURCE) ?? NO_ATTEMPTS;
      repository?.setAttempts(user.id, SOURCE, {
        ...attempts,
        slots: attempts.inFlight - 1,
        inFlight: attempts.inFlight - 1,
      });
    });
    repository = setup.repository;
    repository.setAttempts(user.id, SOURCE, {
      ...NO_ATTEMPTS,
      slots: FREE_FAILURES,
      inFlight: FREE_FAILURES,
      lastReservedAt: NOW - 100,
    });

    // Act
    const outcome = await setup.service.login({ email: user.email, password: PASSWORD, source: SOURCE });

    // Assert
    expect(outcome).toEqual({ accessToken: 'token', expiresIn: 60 });
    expect(waits).toHaveLength(1);
    // Its own slot freed on success; the four checks still in flight keep theirs.
    expect(repository.storedAttempts(user.id, SOURCE)).toMatchObject({
      slots: FREE_FAILURES - 1,
      inFlight: FREE_FAILURES - 1,
    });
  });

  it('gives up after a bounded wait when the in-flight checks never free a slot', async () => {
    // Arrange
    const user = knownUser();
    const waits: number[] = [];
    const { service, repository } = await setUp(user, async (ms) => {
      waits.push(ms);
    });
    repository.setAttempts(user.id, SOURCE, {
      ...NO_ATTEMPTS,
      slots: FREE_FAILURES,
      inFlight: 1,
      lastFailureAt: NOW,
      lastReservedAt: NOW - 100,
    });

    // Act
    const outcome = await refusal(service, user.email, PASSWORD);

    // Assert
    expect(outcome).toBeInstanceOf(InvalidCredentialsError);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(8_000 - 500);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(8_000 + 500);
  });

  it('counts checks abandoned mid-flight (reserved over a minute ago, never settled) as failures instead of waiting for them', async () => {
    // Arrange
    const user = knownUser();
    const waits: number[] = [];
    const { service, repository, calls } = await setUp(user, async (ms) => {
      waits.push(ms);
    });
    repository.setAttempts(user.id, SOURCE, { ...NO_ATTEMPTS, slots: 2, inFlight: 2, lastReservedAt: NOW - 61_000 });

    // Act
    const outcome = await service.login({ email: user.email, password: PASSWORD, source: SOURCE });

    // Assert
    expect(outcome).toEqual({ accessToken: 'token', expiresIn: 60 });
    expect(waits).toEqual([]);
    expect(calls).toContain('releaseAbandonedAttempts');
  });
});
