import { PARITY_CASES } from './cases';

/**
 * Where a host is expected to answer differently from the local server (`npm start`), per host and case: the
 * aspect (`status`, `body`, `header <name>`) and why. parity.test.ts fails on any difference not listed here and
 * on any listed difference that no longer occurs.
 */
export type Differences = Readonly<Record<string, string>>;
export type ExpectedDifferences = Readonly<Record<string, Readonly<Record<string, Differences>>>>;

const allCases = (differences: Differences): Record<string, Differences> =>
  Object.fromEntries(PARITY_CASES.map((request) => [request.name, differences]));
const merge = (...tables: Record<string, Differences>[]): Record<string, Differences> => {
  const merged: Record<string, Record<string, string>> = {};
  for (const table of tables)
    for (const [name, differences] of Object.entries(table)) merged[name] = { ...merged[name], ...differences };
  return merged;
};

const GATEWAY_REQUEST_ID: Differences = {
  'header apigw-requestid':
    'API Gateway (HTTP API) adds its own request id to every response; the local server has none',
};

const COPIED_ASSET: Record<string, Differences> = {
  'a binary response (the docs favicon)': {
    'header last-modified':
      "the build copies the docs assets into the bundle, so Last-Modified is the copy's time, not the installed file's",
  },
};

const PROXY_DECODED =
  'serverless-express rebuilds the path from pathParameters.proxy, which API Gateway percent-decodes (as SAM decodes every path): /users/x%2Fy reaches Express as /users/x/y, an unknown route';
const DECODED_PATH: Differences = {
  status: `404 instead of 400: ${PROXY_DECODED}`,
  body: 'the 404 problem instead of the 400 one',
  'header content-length': "the 404 problem's length",
  'header cache-control': 'the 400 problem of a validation error is no-store; the 404 has none',
};

// The handler's result carries the headers Express set; for these responses Node's HTTP server computes
// Content-Length while writing (and API Gateway or the ALB would add it), so a result has none.
const COMPUTED_LENGTH =
  'Content-Length is computed by the HTTP server while writing; the Lambda result only has the headers Express set';
const WITHOUT_CONTENT_LENGTH = [
  'a method the route does not allow (405 with Allow)',
  'an unknown route (404 problem+json)',
  'GET /users/me without a token (401 problem+json)',
  'a repeated query key (query array)',
  'a percent-encoded slash in a path parameter',
  'a unicode path',
  'an empty body where JSON is required',
  "a body over the app's JSON limit (413 problem+json)",
  'a gzip-compressed JSON body',
  'malformed JSON (400 problem+json)',
];
const handlerResults = (): Record<string, Differences> =>
  Object.fromEntries(WITHOUT_CONTENT_LENGTH.map((name) => [name, { 'header content-length': COMPUTED_LENGTH }]));

// An ALB target group without multi-value headers passes one value per query key, the last: `limit=1&limit=2`
// reaches the app as `limit=2`, a valid request, so the caller (not an admin) meets GET /users' admin check.
const ALB_LAST_QUERY_VALUE: Differences = {
  status:
    '403 instead of 400: the ALB (multi-value headers off) passes only the last value of a repeated query key, so nothing is repeated and the admin check answers',
  body: 'the 403 problem instead of the 400 validation problem',
  'header content-length': COMPUTED_LENGTH,
};

export const EXPECTED_DIFFERENCES: ExpectedDifferences = {
  'local gateway, payload 2.0': merge(allCases(GATEWAY_REQUEST_ID), COPIED_ASSET),
  'local gateway, payload 1.0': merge(allCases(GATEWAY_REQUEST_ID), COPIED_ASSET, {
    'a percent-encoded slash in a path parameter': DECODED_PATH,
  }),
  'handler, ALB events': merge(handlerResults(), { 'a repeated query key (query array)': ALB_LAST_QUERY_VALUE }),
  'handler, Function URL events': handlerResults(),
  // SAM local's other quirks (a constant requestId, a frozen timeEpoch, Title-Cased header names) change
  // nothing the client sees: the app's request id is the Lambda invocation id, and header names are matched
  // case-insensitively. Its decoded path does.
  'handler, SAM local events (quirks)': merge(handlerResults(), {
    'a percent-encoded slash in a path parameter': DECODED_PATH,
  }),
};
