import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenIssuer, fixedWindow } from '@lambdalith/middleware';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createTableIfMissing } from '../../src/data/create-table';
import { DynamoDbUserRepository } from '../../src/data/dynamodb-user-repository';
import { PaginationCursorCodec } from '../../src/domain/pagination-cursor';
import { PasswordHasher } from '../../src/domain/password-hasher';
import type { StoredUser } from '../../src/domain/user';
import { UserService } from '../../src/domain/user-service';
import type { Dependencies } from '../../src/dependencies';
import { OutboxEmailSender } from '../../src/email/outbox-email-sender';
import { createTestApp } from './test-app';
import { TEST_JWT_SECRET, TEST_TABLE_NAME, testConfig } from './test-environment';

/** The password every seeded user has. */
export const SEED_PASSWORD = 'seeded password 0123456789';

/** A unique, valid email for one test. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}

/**
 * The app as the users tests drive it. Every request comes from 127.0.0.1, and the rate-limit counters
 * live in the shared test table, so the auth limit is lifted unless a test is about it.
 */
export function createUsersTestApp(overrides: Record<string, string> = {}): { app: Express; deps: Dependencies } {
  return createTestApp({ AUTH_RATE_LIMIT: '1000000', ...overrides });
}

/**
 * The app with an auth rate limit of `limit` per `windowSeconds`, whose limiters' clock stands still at the
 * start of the current window: a test's requests all fall in one window, whenever it runs (a real clock
 * could cross a window boundary between them), and `Retry-After` is exactly the window's length.
 */
export function createRateLimitedTestApp(limit: number, windowSeconds: number): { app: Express; deps: Dependencies } {
  const { deps } = createTestApp({
    AUTH_RATE_LIMIT: String(limit),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: String(windowSeconds),
  });
  const { startMs } = fixedWindow(windowSeconds, Date.now());
  const frozen: Dependencies = { ...deps, authRateLimit: { ...deps.authRateLimit, now: () => startMs } };
  return { app: createApp(frozen), deps: frozen };
}

/**
 * A user record as the repository stores it, with unique id and email, for tests that write through a
 * repository themselves. Its password hash is a placeholder no password matches: pass one for a login.
 */
export function storedUserRecord(overrides: Partial<StoredUser> = {}): StoredUser {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    email: uniqueEmail(overrides.role ?? 'user'),
    name: 'Seeded User',
    role: 'user',
    createdAt: now,
    updatedAt: now,
    version: 1,
    passwordHash: 'scrypt$17$8$1$not-a-real-hash',
    failedLoginCount: 0,
    lastFailedLoginAt: undefined,
    tokenGeneration: 0,
    tokensRevokedAt: undefined,
    ...overrides,
  };
}

/**
 * A users table of the test's own (for rules about a whole table, such as "the last admin"), created, with
 * the app and a repository on it.
 */
export async function createOwnUsersTable(
  label: string,
): Promise<{ app: Express; deps: Dependencies; tableName: string; repository: DynamoDbUserRepository }> {
  const tableName = `${label}-${randomUUID()}`;
  const { app, deps } = createUsersTestApp({ TABLE_NAME: tableName });
  await createTableIfMissing(deps.documentClient, tableName);
  return { app, deps, tableName, repository: new DynamoDbUserRepository(deps.documentClient, tableName) };
}

/**
 * A UserService on the shared test table as the app builds it (tokens, cursors, a throw-away outbox), with the
 * given hasher (default: the real one) and, optionally, a clock the test moves instead of sleeping.
 */
export function createTestUserService(options: { hasher?: PasswordHasher; now?: () => number } = {}): {
  users: UserService;
  deps: Dependencies;
} {
  const { deps } = createUsersTestApp();
  const { auth } = testConfig();
  const users = new UserService({
    repository: new DynamoDbUserRepository(deps.documentClient, TEST_TABLE_NAME),
    hasher: options.hasher ?? new PasswordHasher(),
    tokens: createTokenIssuer({
      hs256Secret: TEST_JWT_SECRET,
      issuer: auth.issuer,
      audience: auth.audience,
      ttlSeconds: auth.accessTokenTtlSeconds,
    }),
    cursors: new PaginationCursorCodec({ secret: TEST_JWT_SECRET, ttlSeconds: 3_600 }),
    emails: new OutboxEmailSender(
      join(mkdtempSync(join(tmpdir(), 'lambdalith-outbox-')), 'outbox'),
      'no-reply@example.com',
      { info: () => undefined },
    ),
    onWelcomeEmailFailed: () => undefined,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { users, deps };
}

let seedHash: Promise<string> | undefined;

/**
 * Stores a user directly, with a password hash computed once per test file (a hash costs ~0.5 s), for
 * tests whose subject is not registration. Real repository, real table.
 */
export async function seedUser(
  options: Partial<
    Pick<
      StoredUser,
      'role' | 'email' | 'name' | 'passwordHash' | 'failedLoginCount' | 'lastFailedLoginAt' | 'createdAt'
    >
  > = {},
): Promise<StoredUser> {
  seedHash ??= new PasswordHasher().hash(SEED_PASSWORD);
  const now = options.createdAt ?? new Date().toISOString();
  const user = storedUserRecord({
    ...options,
    createdAt: now,
    updatedAt: now,
    passwordHash: options.passwordHash ?? (await seedHash),
  });
  const deps = testRepositoryDependencies();
  await deps.repository.create(user);
  return user;
}

let repositoryDeps: { repository: DynamoDbUserRepository } | undefined;
function testRepositoryDependencies(): { repository: DynamoDbUserRepository } {
  if (repositoryDeps === undefined) {
    const { deps } = createTestApp();
    repositoryDeps = { repository: new DynamoDbUserRepository(deps.documentClient, TEST_TABLE_NAME) };
  }
  return repositoryDeps;
}

/** The user as stored now (for asserting that a failed request changed nothing). */
export function storedUser(id: string): Promise<StoredUser | undefined> {
  return testRepositoryDependencies().repository.findById(id);
}

/**
 * An access token for `userId`, issued exactly as login issues them (same secret, issuer, audience, TTL, and
 * the user's current token generation, or `generation` for a subject that is not a stored user).
 */
export async function tokenFor(userId: string, generation?: number): Promise<string> {
  const { auth } = testConfig();
  const issuer = createTokenIssuer({
    hs256Secret: TEST_JWT_SECRET,
    issuer: auth.issuer,
    audience: auth.audience,
    ttlSeconds: auth.accessTokenTtlSeconds,
  });
  const gen = generation ?? (await storedUser(userId))?.tokenGeneration ?? 0;
  return (await issuer.issue(userId, { gen })).accessToken;
}

/** `Authorization` header for `userId`. */
export async function bearer(userId: string): Promise<{ Authorization: string }> {
  return { Authorization: `Bearer ${await tokenFor(userId)}` };
}

/** Registers through the API and returns the response. */
export function register(app: Express, body: Record<string, unknown>): request.Test {
  return request(app).post('/auth/register').send(body);
}

/** A response as the rate-limit tests see it. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/**
 * A random loopback address (127.x.y.z). Rate limits count per client IP in the shared test table, so a
 * test about limits sends from an address of its own.
 */
export function uniqueLoopbackAddress(): string {
  const octet = (): number => 1 + Math.floor(Math.random() * 250);
  return `127.${octet()}.${octet()}.${octet()}`;
}

/** POSTs JSON to the app over a real socket whose client end is bound to `sourceAddress`. */
export function postFrom(app: Express, sourceAddress: string, path: string, body: unknown): Promise<RawResponse> {
  return sendFrom(app, sourceAddress, { method: 'POST', path, body });
}

/**
 * One request over a real socket whose client end is bound to `sourceAddress` (how `npm start` sees
 * clients); a `body` is sent as JSON.
 */
export function sendFrom(
  app: Express,
  sourceAddress: string,
  request: { method: string; path: string; body?: unknown; headers?: Record<string, string> },
): Promise<RawResponse> {
  const bytes = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), 'utf8');
  return sendBytes(app, { ...request, bytes, sourceAddress });
}

/** POSTs exactly these bytes (supertest would re-encode them) as `application/json` over a real socket. */
export function postBytes(
  app: Express,
  path: string,
  bytes: Buffer,
  options: { sourceAddress?: string } = {},
): Promise<RawResponse> {
  return sendBytes(app, { method: 'POST', path, bytes, sourceAddress: options.sourceAddress });
}

/** Serves `app` on loopback for one request of these bytes (as `application/json`, when there are any). */
async function sendBytes(
  app: Express,
  request: {
    method: string;
    path: string;
    bytes: Buffer | undefined;
    headers?: Record<string, string>;
    sourceAddress: string | undefined;
  },
): Promise<RawResponse> {
  const { bytes, sourceAddress } = request;
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<RawResponse>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: request.path,
          method: request.method,
          ...(sourceAddress === undefined ? {} : { localAddress: sourceAddress }),
          headers: {
            ...request.headers,
            ...(bytes === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': bytes.length }),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: text === '' ? undefined : JSON.parse(text),
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(bytes);
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
