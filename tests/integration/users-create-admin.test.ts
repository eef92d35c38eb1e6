import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { claimDataDir, findRunningDynamoDb, runningDynamoDbFile } from '../../src/local/data-dir-claim';
import { DataDirInUseError, openLocalDatabase } from '../../src/local/local-database';
import { runCreateAdmin } from '../../src/create-admin';
import { localTestEnv, testDynamoDbEndpoint } from '../helpers/test-environment';
import { bearer, createUsersTestApp, SEED_PASSWORD, seedUser, storedUser, uniqueEmail } from '../helpers/user-fixtures';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function createAdmin(argv: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCreateAdmin(argv, env, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}

describe('npm run create-admin against DYNAMODB_ENDPOINT and TABLE_NAME', () => {
  const { app } = createUsersTestApp();

  it('creates an admin who can log in and list users', async () => {
    // Arrange
    const email = uniqueEmail('admin');

    // Act
    const run = await createAdmin(
      ['--email', email, '--password', 'bootstrap admin password', '--name', 'Root'],
      localTestEnv(),
    );

    // Assert
    expect(run).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        new RegExp(`^Created admin ${email} \\(id [0-9a-f-]{36}\\) in table lambdalith-test\\n$`),
      ),
      stderr: '',
    });
    const login = await request(app).post('/auth/login').send({ email, password: 'bootstrap admin password' });
    const list = await request(app)
      .get('/users?limit=1')
      .set('Authorization', `Bearer ${(login.body as { accessToken: string }).accessToken}`);
    expect(list.status).toBe(200);
    const me = await request(app)
      .get('/users/me')
      .set('Authorization', `Bearer ${(login.body as { accessToken: string }).accessToken}`);
    expect(me.body).toMatchObject({ email, name: 'Root', role: 'admin' });
  });

  it('reads the password from stdin with --password-stdin', async () => {
    // Arrange
    const email = uniqueEmail('admin-stdin');

    // Act
    const run = await createAdmin(['--email', email, '--password-stdin'], localTestEnv(), 'password from a pipe\n');

    // Assert
    expect(run.code).toBe(0);
    const login = await request(app).post('/auth/login').send({ email, password: 'password from a pipe' });
    expect(login.status).toBe(200);
  });

  it('promotes an existing user with --promote-existing, keeping their password; their old tokens stop working', async () => {
    // Arrange
    const user = await seedUser();
    const headers = await bearer(user.id);

    // Act
    const run = await createAdmin(['--email', user.email.toUpperCase(), '--promote-existing'], localTestEnv());

    // Assert
    expect(run).toEqual({
      code: 0,
      stdout:
        `Promoted to admin: ${user.email} (id ${user.id}, created ${user.createdAt}) in table lambdalith-test\n` +
        'Its password is unchanged: it is the one the account already had.\n',
      stderr: '',
    });
    expect(await storedUser(user.id)).toMatchObject({ role: 'admin', version: 2, passwordHash: user.passwordHash });
    // A role change revokes the tokens issued before it; a fresh login carries admin.
    expect((await request(app).get('/users/me').set(headers)).status).toBe(401);
    const login = await request(app).post('/auth/login').send({ email: user.email, password: SEED_PASSWORD });
    expect(login.status).toBe(200);
    const list = await request(app)
      .get('/users?limit=1')
      .set('Authorization', `Bearer ${(login.body as { accessToken: string }).accessToken}`);
    expect(list.status).toBe(200);
  });

  it('leaves an existing admin as it is with --promote-existing', async () => {
    // Arrange
    const admin = await seedUser({ role: 'admin' });

    // Act
    const run = await createAdmin(['--email', admin.email, '--promote-existing'], localTestEnv());

    // Assert
    expect(run).toEqual({
      code: 0,
      stdout:
        `Already an admin: ${admin.email} (id ${admin.id}, created ${admin.createdAt}) in table lambdalith-test\n` +
        'Its password is unchanged: it is the one the account already had.\n',
      stderr: '',
    });
    expect(await storedUser(admin.id)).toMatchObject({ version: 1 });
  });

  it('fails with exit code 1, naming the rule, and creates nobody for a password that breaks the policy', async () => {
    // Arrange
    const email = uniqueEmail('weak-admin');

    // Act
    const run = await createAdmin(['--email', email, '--password', 'short'], localTestEnv());

    // Assert
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'create-admin failed: The request is invalid\n  password must be 12 to 256 characters long\n',
    });
    expect((await request(app).post('/auth/login').send({ email, password: 'short' })).status).toBe(401);
  });

  it('fails with exit code 1 when a new admin has no password', async () => {
    // Act
    const run = await createAdmin(['--email', uniqueEmail('no-password')], localTestEnv());

    // Assert
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'create-admin failed: The request is invalid\n  password is required to create a new admin\n',
    });
  });

  it.each([
    ['no arguments', []],
    ['no --email', ['--password', 'whatever password']],
    ['an unknown option', ['--email', 'a@b.co', '--role', 'admin']],
    ['both password sources', ['--email', 'a@b.co', '--password', 'x', '--password-stdin']],
  ])('prints the usage and exits with 2 for %s', async (_label, argv) => {
    // Act
    const run = await createAdmin(argv, localTestEnv());

    // Assert
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: npm run create-admin -- --email <email>');
  });
});

describe('npm run create-admin on the embedded store (DYNAMODB_ENDPOINT unset)', () => {
  jest.setTimeout(60_000);

  function embeddedEnv(dataDir: string): Record<string, string> {
    const { DYNAMODB_ENDPOINT: _endpoint, ...env } = localTestEnv({ DATA_DIR: dataDir });
    return env;
  }

  it('uses the DynamoDB Local that a running server announced, without starting another', async () => {
    // Arrange: a "server" announcing the test database under its DATA_DIR
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-admin-'));
    const running = claimDataDir(dataDir);
    running?.announce(testDynamoDbEndpoint());
    const email = uniqueEmail('announced');

    try {
      // Act
      const run = await createAdmin(
        ['--email', email, '--password', 'through the running server'],
        embeddedEnv(dataDir),
      );

      // Assert
      expect(run).toMatchObject({
        code: 0,
        stderr: `Using the DynamoDB Local of the running server (${testDynamoDbEndpoint()}).\n`,
      });
      expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
      const { app } = createUsersTestApp();
      expect(
        (await request(app).post('/auth/login').send({ email, password: 'through the running server' })).status,
      ).toBe(200);
    } finally {
      running?.release();
    }
    expect(existsSync(runningDynamoDbFile(dataDir))).toBe(false);
  });

  it('ignores an announcement left by a server that is gone', async () => {
    // Arrange: a pid that cannot be alive
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-admin-'));
    claimDataDir(dataDir, 2 ** 22 + 1)?.announce(testDynamoDbEndpoint());

    // Act
    const found = await findRunningDynamoDb(dataDir);

    // Assert
    expect(found).toBeUndefined();
  });

  it('announces the DynamoDB Local it starts while it runs, so a server started meanwhile refuses DATA_DIR, and withdraws it after', async () => {
    // Arrange: the moment create-admin reports, its database is up; look then at what another process would find
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-admin-'));
    const env = embeddedEnv(dataDir);
    let announced: unknown;
    let serverStart: Promise<unknown> | undefined;
    const io = {
      stdout: () => {
        announced = JSON.parse(readFileSync(runningDynamoDbFile(dataDir), 'utf8'));
        // What `npm start` does first on this DATA_DIR.
        serverStart = openLocalDatabase(loadConfig(env, { stdoutIsTty: false }), {
          whenInUse: 'refuse',
          report: () => undefined,
        }).then(
          async (database) => {
            await database.stop();
            return 'started a second DynamoDB Local';
          },
          (error: unknown) => error,
        );
      },
      stderr: () => undefined,
      readStdin: async () => '',
    };

    // Act
    const code = await runCreateAdmin(
      ['--email', uniqueEmail('announcing'), '--password', 'announced while it runs'],
      env,
      io,
    );

    // Assert
    expect(code).toBe(0);
    expect(announced).toEqual({
      pid: process.pid,
      started: expect.any(String),
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(await serverStart).toBeInstanceOf(DataDirInUseError);
    expect(existsSync(runningDynamoDbFile(dataDir))).toBe(false);
  });

  it('starts the embedded DynamoDB Local on DATA_DIR when no server runs, and the admin persists there', async () => {
    // Arrange
    const dataDir = mkdtempSync(join(tmpdir(), 'lambdalith-admin-'));
    const email = uniqueEmail('embedded');

    // Act
    const first = await createAdmin(['--email', email, '--password', 'embedded admin password'], embeddedEnv(dataDir));
    const second = await createAdmin(['--email', email, '--promote-existing'], embeddedEnv(dataDir));

    // Assert: the second run found the first one's admin in the files under DATA_DIR/dynamodb
    const starting = `Starting the embedded DynamoDB Local (data in ${join(dataDir, 'dynamodb')})…\n`;
    expect(first).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^Created admin /),
      stderr: expect.stringContaining(starting),
    });
    expect(second).toEqual({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^Already an admin: ${email} `)),
      stderr: expect.stringContaining(starting),
    });
  });
});
