import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DomainError,
  EmailTakenError,
  ExistingAccountError,
  InvalidCredentialsError,
  InvalidListPositionError,
  LastAdminError,
  NotPermittedError,
  StaleVersionError,
  StoreNotReadyError,
  UnconditionalChangeError,
  UserNotFoundError,
  ValidationError,
  VersionRequiredError,
  WriteContentionError,
} from '../../src/domain/errors';
import { InvalidCursorError } from '../../src/domain/pagination-cursor';
import { PROBLEM_TABLE, problemMap } from '../../src/routes/problem-map';

const DOMAIN_DIR = join(__dirname, '../../src/domain');

type ErrorClass = abstract new (...args: never[]) => unknown;

/** Every class exported by a module of src/domain that extends DomainError. */
function domainErrorClasses(): ErrorClass[] {
  const classes = new Set<ErrorClass>();
  for (const file of readdirSync(DOMAIN_DIR).filter((name) => name.endsWith('.ts'))) {
    const exports: Record<string, unknown> = require(join(DOMAIN_DIR, file));
    for (const value of Object.values(exports)) {
      if (typeof value === 'function' && value.prototype instanceof DomainError) classes.add(value as ErrorClass);
    }
  }
  return [...classes];
}

describe('the problem map', () => {
  const problemFor = problemMap({
    isStoreUnavailable: (error) => error instanceof Error && error.name === 'TimeoutError',
  });

  it('has a row for every error class the domain exports, so none of them becomes a 500 by omission', () => {
    const mapped = new Set<ErrorClass>(PROBLEM_TABLE.map((row) => row.error));

    const unmapped = domainErrorClasses().filter((errorClass) => !mapped.has(errorClass));

    expect(domainErrorClasses().length).toBeGreaterThanOrEqual(12);
    expect(unmapped.map((errorClass) => errorClass.name)).toEqual([]);
  });

  it.each([
    [
      new ValidationError([{ field: 'email', message: 'must be an email address' }]),
      400,
      'VALIDATION_FAILED',
      'The request is invalid',
    ],
    [new InvalidCredentialsError(), 401, 'INVALID_CREDENTIALS', 'Invalid email or password'],
    [new NotPermittedError('Only an admin may change a role'), 403, 'FORBIDDEN', 'Only an admin may change a role'],
    [new UserNotFoundError(), 404, 'USER_NOT_FOUND', 'User not found'],
    [new EmailTakenError(), 409, 'EMAIL_TAKEN', 'This email is already registered'],
    [
      new LastAdminError(),
      409,
      'LAST_ADMIN',
      'The last admin cannot be demoted or deleted; make another user admin first',
    ],
    [
      new ExistingAccountError({
        id: 'a',
        email: 'ops@example.com',
        createdAt: '2030-01-01T00:00:00.000Z',
      }),
      409,
      'EMAIL_TAKEN',
      'This email is already registered',
    ],
    [
      new InvalidCursorError('expired'),
      400,
      'INVALID_CURSOR',
      'The cursor is invalid or has expired; start again from the first page',
    ],
    [
      new InvalidListPositionError(),
      400,
      'INVALID_CURSOR',
      'The cursor is invalid or has expired; start again from the first page',
    ],
    [new VersionRequiredError(), 428, 'PRECONDITION_REQUIRED', 'This request requires an If-Match header'],
    [
      new UnconditionalChangeError(),
      428,
      'PRECONDITION_REQUIRED',
      'If-Match must carry the ETag of the version being changed; "*" is not accepted',
    ],
    [new StaleVersionError(), 412, 'PRECONDITION_FAILED', 'The resource has changed; fetch it again'],
    [
      new WriteContentionError(),
      503,
      'SERVICE_UNAVAILABLE',
      'Too many concurrent changes to the same data; retry shortly',
    ],
    [new StoreNotReadyError('unreachable'), 503, 'SERVICE_UNAVAILABLE', 'The database is not reachable'],
    [new StoreNotReadyError('not-ready'), 503, 'SERVICE_UNAVAILABLE', 'The database table is not ready'],
  ])('maps %p to %i %s', (error, status, code, message) => {
    expect(problemFor(error)).toMatchObject({ status, code, message });
  });

  it("carries the field violations of a validation error as the problem's errors", () => {
    const violations = [{ field: 'name', message: 'must be 1 to 100 characters long' }];

    expect(problemFor(new ValidationError(violations))).toMatchObject({
      errors: violations,
    });
  });

  it('answers an unavailable store with a 503 and Retry-After, and leaves every other error alone', () => {
    const timeout = Object.assign(new Error('socket hang up'), {
      name: 'TimeoutError',
    });

    expect(problemFor(timeout)).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      headers: { 'Retry-After': '2' },
    });
    expect(problemFor(new Error('a bug'))).toBeUndefined();
    expect(problemFor('not even an error')).toBeUndefined();
  });
});
