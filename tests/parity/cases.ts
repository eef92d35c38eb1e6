import { gzipSync } from 'node:zlib';

/** One request of the parity suite, sent identically to every host. */
export interface ParityCase {
  readonly name: string;
  readonly method: string;
  /** Path and query exactly as sent on the wire (percent-encoding kept). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Send the test user's bearer token. */
  readonly authenticated?: boolean;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const JSON_TYPE = { 'content-type': 'application/json' };

/** The one list of requests every host answers. */
export const PARITY_CASES: readonly ParityCase[] = [
  { name: 'GET /health', method: 'GET', path: '/health' },
  { name: 'HEAD /health', method: 'HEAD', path: '/health' },
  { name: 'a method the route does not allow (405 with Allow)', method: 'DELETE', path: '/health' },
  { name: 'an unknown route (404 problem+json)', method: 'GET', path: '/no/such/route?x=1' },
  { name: 'GET /users/me without a token (401 problem+json)', method: 'GET', path: '/users/me' },
  { name: 'GET /users/me with a token', method: 'GET', path: '/users/me', authenticated: true },
  { name: 'a repeated query key (query array)', method: 'GET', path: '/users?limit=1&limit=2', authenticated: true },
  { name: 'a percent-encoded slash in a path parameter', method: 'GET', path: '/users/x%2Fy', authenticated: true },
  { name: 'a unicode path', method: 'GET', path: '/users/%C3%A9t%C3%A9', authenticated: true },
  { name: 'an empty body where JSON is required', method: 'POST', path: '/auth/login', headers: JSON_TYPE },
  {
    name: "a body over the app's JSON limit (413 problem+json)",
    method: 'POST',
    path: '/auth/login',
    headers: JSON_TYPE,
    body: json({ email: 'a@example.com', password: 'x'.repeat(200 * 1024) }),
  },
  {
    name: 'a gzip-compressed JSON body',
    method: 'POST',
    path: '/auth/login',
    headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
    body: gzipSync(json({ email: 'nobody@example.com', password: 'not the password 123' })),
  },
  {
    name: 'malformed JSON (400 problem+json)',
    method: 'POST',
    path: '/auth/login',
    headers: JSON_TYPE,
    body: Buffer.from('{"email":', 'utf8'),
  },
  { name: 'a binary response (the docs favicon)', method: 'GET', path: '/docs/assets/favicon-32x32.png' },
  { name: 'the OpenAPI document', method: 'GET', path: '/openapi.json' },
];
