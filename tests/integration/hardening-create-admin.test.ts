import request from 'supertest';
import { runCreateAdmin } from '../../src/create-admin';
import { localTestEnv } from '../helpers/test-environment';
import { createUsersTestApp, register, storedUser, uniqueEmail } from '../helpers/user-fixtures';

// Issue 9, item 1: anyone can register (or PATCH their email to) the address an operator is about to make
// admin. create-admin must never elevate an account whose password the operator has not proven.

async function createAdmin(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCreateAdmin(argv, localTestEnv(), {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: async () => 'the operator password\n',
  });
  return { code, stdout, stderr };
}

describe('npm run create-admin for an email someone already registered', () => {
  jest.setTimeout(30_000);
  const { app } = createUsersTestApp();

  it('refuses with exit code 1 and a clear message, and the squatter stays a user with their own password', async () => {
    // Arrange: a stranger registers the address first
    const email = uniqueEmail('ops');
    const squatter = await register(app, { email, password: 'the squatter password', name: 'Squatter' });
    expect(squatter.status).toBe(201);
    const id = (squatter.body as { id: string }).id;
    const before = await storedUser(id);

    // Act
    const run = await createAdmin(['--email', email, '--password-stdin']);

    // Assert
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `create-admin failed: an account with the email ${email} already exists (id ${id}, created ${before?.createdAt})\n` +
        'Nothing was changed. Anyone can register any email, so this account may not be yours, and its password is not one\n' +
        'you set. If it is yours, run again with --promote-existing (it keeps its password); otherwise use another email.\n',
    });
    expect(await storedUser(id)).toEqual(before);
    expect((await request(app).post('/auth/login').send({ email, password: 'the operator password' })).status).toBe(
      401,
    );
  });

  it('promotes it only with --promote-existing, naming the account, its creation time and that its password is unchanged', async () => {
    // Arrange
    const email = uniqueEmail('ops');
    const registered = await register(app, { email, password: 'the account owner password', name: 'Owner' });
    const id = (registered.body as { id: string }).id;
    const before = await storedUser(id);

    // Act: the operator also passed a password, which is not used for an existing account
    const run = await createAdmin(['--email', email, '--password-stdin', '--promote-existing']);

    // Assert
    expect(run).toEqual({
      code: 0,
      stdout:
        `Promoted to admin: ${email} (id ${id}, created ${before?.createdAt}) in table lambdalith-test\n` +
        'Its password is unchanged: it is the one the account already had, not the one given here.\n',
      stderr: '',
    });
    expect(await storedUser(id)).toMatchObject({ role: 'admin', passwordHash: before?.passwordHash });
  });
});
