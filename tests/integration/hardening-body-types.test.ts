import request from 'supertest';
import { lambdaHosts } from '../helpers/every-host';
import { loadHandler } from '../helpers/lambda-handler';
import { lambdaTestEnv } from '../helpers/test-environment';
import {
  bearer,
  createUsersTestApp,
  SEED_PASSWORD,
  seedUser,
  storedUser,
  tokenFor,
  uniqueEmail,
} from '../helpers/user-fixtures';

// Every body field has exactly one JSON type (all of them strings here). express-validator's standard
// validators check each element of an array, so ["user"] passed isIn(['user', 'admin']) and was stored as a
// list. Each route gets, for each field, a value of every other JSON type, an array included whose only
// element would itself be valid.

const { app } = createUsersTestApp();
const PASSWORD = 'a perfectly fine password';

/** A value of every JSON type but string; the array holds a valid value, to defeat element-wise checks. */
function wrongTypes(validValue: string): Array<[string, unknown]> {
  return [
    ['an array of a valid value', [validValue]],
    ['an object', { value: validValue }],
    ['a number', 42],
    ['a boolean', true],
    ['null', null],
  ];
}

function cases(fields: Record<string, string>): Array<[string, string, unknown]> {
  return Object.entries(fields).flatMap(([field, valid]) =>
    wrongTypes(valid).map(([label, value]): [string, string, unknown] => [field, label, value]),
  );
}

const VALIDATION_FAILED = (field: string) => ({
  status: 400,
  body: { code: 'VALIDATION_FAILED', errors: [{ field, message: 'must be a string' }] },
});

describe('POST /auth/register', () => {
  it.each(cases({ email: 'typed@example.com', password: PASSWORD, name: 'Ada' }))(
    'returns 400 when %s is %s, and registers nothing',
    async (field, _label, value) => {
      // Arrange
      const email = uniqueEmail('typed');
      const body = { email, password: PASSWORD, name: 'Ada', [field]: value };

      // Act
      const response = await request(app).post('/auth/register').send(body);

      // Assert
      expect(response).toMatchObject(VALIDATION_FAILED(field));
      expect((await request(app).post('/auth/login').send({ email, password: PASSWORD })).status).toBe(401);
    },
  );
});

describe('POST /auth/login', () => {
  it.each(cases({ email: 'typed@example.com', password: PASSWORD }))(
    'returns 400 when %s is %s',
    async (field, _label, value) => {
      // Arrange
      const body = { email: uniqueEmail('login'), password: PASSWORD, [field]: value };

      // Act
      const response = await request(app).post('/auth/login').send(body);

      // Assert
      expect(response).toMatchObject(VALIDATION_FAILED(field));
    },
  );
});

describe('PATCH /users/{id}', () => {
  it.each(cases({ name: 'Ada', email: 'typed@example.com', password: PASSWORD, currentPassword: SEED_PASSWORD }))(
    'returns 400 when %s is %s, and changes nothing',
    async (field, _label, value) => {
      // Arrange
      const user = await seedUser();

      // Act
      const response = await request(app)
        .patch(`/users/${user.id}`)
        .set(await bearer(user.id))
        .set('If-Match', '"v1"')
        .send({ [field]: value });

      // Assert
      expect(response).toMatchObject(VALIDATION_FAILED(field));
      expect(await storedUser(user.id)).toEqual(user);
    },
  );

  it.each(wrongTypes('user'))(
    'returns 400 when an admin sends role as %s, and changes nothing',
    async (_label, value) => {
      // Arrange
      const admin = await seedUser({ role: 'admin' });
      const user = await seedUser();

      // Act
      const response = await request(app)
        .patch(`/users/${user.id}`)
        .set(await bearer(admin.id))
        .set('If-Match', '"v1"')
        .send({ role: value });

      // Assert
      expect(response).toMatchObject(VALIDATION_FAILED('role'));
      expect(await storedUser(user.id)).toEqual(user);
    },
  );
});

describe('an admin PATCH of {"role":["user"]} through the Lambda handler', () => {
  const hosts = lambdaHosts(loadHandler(lambdaTestEnv({ METRICS_ENABLED: 'false' })));

  it.each(hosts.map((host) => [host.name, host] as const))(
    'is a 400 behind %s, and changes nothing',
    async (_name, host) => {
      // Arrange
      const admin = await seedUser({ role: 'admin' });
      const user = await seedUser();

      // Act
      const response = await host.send({
        method: 'PATCH',
        path: `/users/${user.id}`,
        headers: {
          Authorization: `Bearer ${await tokenFor(admin.id)}`,
          'Content-Type': 'application/json',
          'If-Match': '"v1"',
        },
        body: JSON.stringify({ role: ['user'] }),
      });

      // Assert
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'role', message: 'must be a string' }],
      });
      expect(await storedUser(user.id)).toEqual(user);
    },
  );
});
