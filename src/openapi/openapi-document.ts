import { MAX_CURSOR_LENGTH } from '../domain/pagination-cursor';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/password-policy';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, ROLES } from '../domain/user';
import { USER_PAGE_DEFAULT_SIZE, USER_PAGE_MAX_SIZE } from '../domain/user-service';
import { orderPaths, orderResponses, orderSchemas } from './orders-openapi';

/**
 * The OpenAPI 3.1 description of the API, served at `GET /openapi.json`. Hand-written rather than
 * generated, so it reads as documentation; a test walks the Express router and fails when a route is
 * missing here or listed here without existing.
 */

type Schema = Readonly<Record<string, unknown>>;
type Operation = Readonly<Record<string, unknown>>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const response = (name: string): Schema => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });

const userIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The user id (a UUID).',
  schema: { type: 'string', format: 'uuid' },
};

const etagHeader = { ETag: { $ref: '#/components/headers/ETag' } };
const bearer = [{ bearerAuth: [] }];

const paths: Record<string, Record<string, Operation>> = {
  '/health': {
    get: {
      tags: ['Health'],
      summary: 'Liveness: the process answers (never touches DynamoDB)',
      operationId: 'getHealth',
      responses: { '200': { description: 'Alive', content: json(ref('Health')) } },
    },
  },
  '/health/ready': {
    get: {
      tags: ['Health'],
      summary: 'Readiness: the table answers',
      operationId: 'getReadiness',
      responses: {
        '200': { description: 'Ready', content: json(ref('Health')) },
        '503': response('ServiceUnavailable'),
      },
    },
  },
  '/auth/register': {
    post: {
      tags: ['Auth'],
      summary: 'Register a new user',
      description:
        'Creates a user with the role `user` and sends a welcome email ' +
        '(a failed email never fails the registration). ' +
        'Unknown fields, `role` and `id` included, are rejected. Rate-limited per client IP.',
      operationId: 'register',
      requestBody: { required: true, content: json(ref('RegisterRequest')) },
      responses: {
        '201': {
          description: 'Created',
          headers: {
            ...etagHeader,
            Location: { description: 'The new user, `/users/{id}`.', schema: { type: 'string' } },
          },
          content: json(ref('User')),
        },
        '400': response('ValidationFailed'),
        '409': response('Conflict'),
        '413': response('PayloadTooLarge'),
        '415': response('UnsupportedMediaType'),
        '429': response('TooManyRequests'),
      },
    },
  },
  '/auth/login': {
    post: {
      tags: ['Auth'],
      summary: 'Exchange email and password for an access token',
      description:
        'An unknown email, a wrong password and a temporarily locked account (after repeated failures) all get ' +
        'the same 401. Failures are counted per account and client address: guesses from one address never lock ' +
        'the owner out of another. Rate-limited per client IP.',
      operationId: 'login',
      requestBody: { required: true, content: json(ref('LoginRequest')) },
      responses: {
        '200': { description: 'A bearer token', content: json(ref('Token')) },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '413': response('PayloadTooLarge'),
        '415': response('UnsupportedMediaType'),
        '429': response('TooManyRequests'),
      },
    },
  },
  '/auth/logout': {
    post: {
      tags: ['Auth'],
      summary: "Revoke the caller's tokens",
      description:
        'Every access token issued to the caller so far stops working, the one of this request included. Changing ' +
        'the password, the email or the role does the same.',
      operationId: 'logout',
      security: bearer,
      responses: {
        '204': { description: 'Logged out' },
        '401': response('Unauthorized'),
      },
    },
  },
  '/users/me': {
    get: {
      tags: ['Users'],
      summary: 'The caller',
      operationId: 'getMe',
      security: bearer,
      responses: {
        '200': { description: 'The caller', headers: etagHeader, content: json(ref('User')) },
        '401': response('Unauthorized'),
      },
    },
  },
  '/users': {
    get: {
      tags: ['Users'],
      summary: 'List users, newest first (admin)',
      operationId: 'listUsers',
      security: bearer,
      parameters: [
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: USER_PAGE_MAX_SIZE, default: USER_PAGE_DEFAULT_SIZE },
        },
        {
          name: 'cursor',
          in: 'query',
          required: false,
          description:
            'The `nextCursor` of the previous page: opaque, valid for the caller who received it, ' +
            'expires after an hour.',
          schema: { type: 'string', maxLength: MAX_CURSOR_LENGTH },
        },
      ],
      responses: {
        '200': { description: 'A page of users', content: json(ref('UserPage')) },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '403': response('Forbidden'),
      },
    },
  },
  '/users/{id}': {
    get: {
      tags: ['Users'],
      summary: 'A user (self or admin)',
      description: "Anyone else's id is a 404, whether or not it exists.",
      operationId: 'getUser',
      security: bearer,
      parameters: [userIdParameter],
      responses: {
        '200': { description: 'The user', headers: etagHeader, content: json(ref('User')) },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '404': response('NotFound'),
      },
    },
    patch: {
      tags: ['Users'],
      summary: 'Change a user (self; an admin may also change anyone, and set role)',
      description:
        'Requires `If-Match` with the ETag of the version being changed. Changing `email` or `password` requires the ' +
        "user's `currentPassword`, checked first and like a login (same back-off, same per-IP rate limit). Only an " +
        'admin may set `role`; the last admin cannot be demoted (409 `LAST_ADMIN`). A password, email or role change ' +
        "revokes the user's tokens issued before it.",
      operationId: 'updateUser',
      security: bearer,
      parameters: [
        userIdParameter,
        {
          name: 'If-Match',
          in: 'header',
          required: true,
          description: 'The `ETag` from a previous read.',
          schema: { type: 'string' },
        },
      ],
      requestBody: { required: true, content: json(ref('UpdateUserRequest')) },
      responses: {
        '200': { description: 'The changed user', headers: etagHeader, content: json(ref('User')) },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '403': response('Forbidden'),
        '404': response('NotFound'),
        '409': response('Conflict'),
        '412': response('PreconditionFailed'),
        '415': response('UnsupportedMediaType'),
        '428': response('PreconditionRequired'),
        '429': response('TooManyRequests'),
      },
    },
    delete: {
      tags: ['Users'],
      summary: 'Delete a user (self or admin)',
      description:
        "The user's orders are kept, unchanged, as the business's records (admins still reach them by id and with " +
        '`GET /orders?userId=`); nothing of the deleted account can reach them again: its tokens stop working, and a ' +
        'new account with the same email is a new user.',
      operationId: 'deleteUser',
      security: bearer,
      parameters: [userIdParameter],
      responses: {
        '204': { description: 'Deleted' },
        '400': response('ValidationFailed'),
        '401': response('Unauthorized'),
        '404': response('NotFound'),
        '409': response('Conflict'),
      },
    },
  },
  ...orderPaths,
  '/openapi.json': {
    get: {
      tags: ['Documentation'],
      summary: 'This document',
      operationId: 'getOpenApiDocument',
      responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
    },
  },
  '/docs': {
    get: {
      tags: ['Documentation'],
      summary: 'Interactive documentation (Swagger UI)',
      operationId: 'getDocs',
      responses: { '200': { description: 'An HTML page', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
  '/docs/assets/{file}': {
    get: {
      tags: ['Documentation'],
      summary: 'A static asset of the documentation page',
      operationId: 'getDocsAsset',
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'The asset' }, '404': response('NotFound') },
    },
  },
};

const problemResponse = (description: string, extraHeaders: Record<string, unknown> = {}): Schema => ({
  description,
  headers: extraHeaders,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

const components = {
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'The `accessToken` from `POST /auth/login`.',
    },
  },
  headers: {
    ETag: {
      description: 'Strong entity tag of this version of the user; send it back in `If-Match`.',
      schema: { type: 'string' },
    },
  },
  schemas: {
    Health: {
      type: 'object',
      required: ['status', 'version'],
      properties: { status: { const: 'ok' }, version: { type: 'string' } },
    },
    User: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'email', 'name', 'role', 'createdAt', 'updatedAt'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        email: { type: 'string', format: 'email', description: 'Canonical form: trimmed and lowercased.' },
        name: { type: 'string' },
        role: { enum: [...ROLES] },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
    },
    UserPage: {
      type: 'object',
      additionalProperties: false,
      required: ['items', 'nextCursor'],
      properties: {
        items: { type: 'array', items: ref('User') },
        nextCursor: { type: ['string', 'null'], description: '`null` on the last page.' },
      },
    },
    RegisterRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'password', 'name'],
      properties: {
        email: { type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH },
        password: {
          type: 'string',
          minLength: PASSWORD_MIN_LENGTH,
          maxLength: PASSWORD_MAX_LENGTH,
          description: 'Valid UTF-8.',
        },
        name: { type: 'string', minLength: 1, maxLength: NAME_MAX_LENGTH },
      },
    },
    LoginRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'password'],
      properties: { email: { type: 'string' }, password: { type: 'string' } },
    },
    Token: {
      type: 'object',
      additionalProperties: false,
      required: ['accessToken', 'tokenType', 'expiresIn'],
      properties: {
        accessToken: { type: 'string' },
        tokenType: { const: 'Bearer' },
        expiresIn: { type: 'integer', description: 'Seconds until the token expires (at most 3600).' },
      },
    },
    UpdateUserRequest: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: NAME_MAX_LENGTH },
        email: { type: 'string', format: 'email', maxLength: EMAIL_MAX_LENGTH },
        password: { type: 'string', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
        currentPassword: { type: 'string', description: 'Required to change `email` or `password`.' },
        role: { enum: [...ROLES], description: 'Admins only.' },
      },
    },
    ...orderSchemas,
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details.',
      required: ['type', 'title', 'status', 'detail', 'code'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string', description: 'Stable, machine-readable, e.g. `EMAIL_TAKEN`.' },
        requestId: { type: 'string' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
  responses: {
    ValidationFailed: problemResponse(
      'Invalid input (`VALIDATION_FAILED` with field errors), a malformed body, or an invalid cursor',
    ),
    Unauthorized: problemResponse('Missing, invalid or expired token, or wrong credentials', {
      'WWW-Authenticate': { schema: { type: 'string' } },
    }),
    Forbidden: problemResponse('Authenticated, but not allowed'),
    NotFound: problemResponse('No such user (or not one the caller may see)'),
    Conflict: problemResponse(
      'The email is already registered (`EMAIL_TAKEN`), or the change would leave no admin (`LAST_ADMIN`)',
    ),
    PreconditionFailed: problemResponse('`If-Match` does not match the current version'),
    PreconditionRequired: problemResponse('`If-Match` is missing'),
    PayloadTooLarge: problemResponse('The body is too large'),
    UnsupportedMediaType: problemResponse('The body is not JSON'),
    TooManyRequests: problemResponse('Rate limit exceeded', { 'Retry-After': { schema: { type: 'integer' } } }),
    ...orderResponses,
    ServiceUnavailable: problemResponse('The database is unavailable', {
      'Retry-After': { schema: { type: 'integer' } },
    }),
  },
};

/** The document, for an API of the given version. */
export function openApiDocument(version: string): Readonly<Record<string, unknown>> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'lambdalith',
      version,
      description:
        'Users, auth and orders on one Express app that runs as one AWS Lambda function. ' +
        'Errors are `application/problem+json`.',
    },
    tags: [{ name: 'Auth' }, { name: 'Users' }, { name: 'Orders' }, { name: 'Health' }, { name: 'Documentation' }],
    paths,
    components,
  };
}
