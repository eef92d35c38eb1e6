import {
  authenticate,
  corsPolicy,
  createLogger,
  createMetrics,
  createTokenIssuer,
  errorHandler,
  jsonBody,
  MemoryRateLimitStore,
  rateLimit,
  requestContext,
  requestLogger,
  requestMetrics,
} from '@lambdalith/middleware';

const SECRET = 'an-options-test-secret-of-more-than-32-bytes';
const logger = createLogger({ serviceName: 'options-test', level: 'SILENT' });
const metrics = createMetrics({ namespace: 'options-test', serviceName: 'options-test', enabled: false });

// Each factory with valid options plus one it does not know. The options are passed through `unknown`, as a
// JavaScript caller (or a spread of a wider object) would pass them past the compiler.
const factories: ReadonlyArray<readonly [string, (extra: Record<string, unknown>) => unknown]> = [
  ['authenticate()', (extra) => authenticate({ hs256Secret: SECRET, issuer: 'i', audience: 'a', ...extra })],
  [
    'createTokenIssuer()',
    (extra) => createTokenIssuer({ hs256Secret: SECRET, issuer: 'i', audience: 'a', ttlSeconds: 60, ...extra }),
  ],
  [
    'rateLimit()',
    (extra) => rateLimit({ store: new MemoryRateLimitStore(), limit: 1, windowSeconds: 60, keyPrefix: 'p', ...extra }),
  ],
  ['corsPolicy()', (extra) => corsPolicy({ origins: [], ...extra })],
  ['createLogger()', (extra) => createLogger({ serviceName: 's', ...extra })],
  ['createMetrics()', (extra) => createMetrics({ namespace: 'n', serviceName: 's', enabled: false, ...extra })],
  ['requestLogger()', (extra) => requestLogger({ logger, ...extra })],
  ['requestMetrics()', (extra) => requestMetrics({ metrics, ...extra })],
  ['jsonBody()', (extra) => jsonBody({ ...extra })],
  ['requestContext()', (extra) => requestContext({ ...extra })],
  ['errorHandler()', (extra) => errorHandler({ ...extra })],
];

describe('middleware factories', () => {
  it.each(factories)('%s accepts its own options', (_name, create) => {
    expect(() => create({})).not.toThrow();
  });

  it.each(factories)('%s refuses an option it does not know, naming the options it has', (name, create) => {
    expect(() => create({ colour: 'blue' })).toThrow(
      new RegExp(`^${name.replace(/[()]/g, '\\$&')}: unknown option "colour"; the options are "`),
    );
  });

  it.each([
    ['authenticate()', { clockTolerance: 30 }, 'clockToleranceSeconds'],
    ['authenticate()', { audiance: 'a' }, 'audience'],
    ['authenticate()', { jwksURL: 'https://idp.example.com/jwks.json' }, 'jwksUrl'],
    ['createTokenIssuer()', { ttl: 60 }, 'ttlSeconds'],
    ['rateLimit()', { windowSecs: 60 }, 'windowSeconds'],
    ['corsPolicy()', { origin: ['https://app.example.com'] }, 'origins'],
    ['jsonBody()', { limt: '1mb' }, 'limit'],
    ['errorHandler()', { mapErrors: () => undefined }, 'mapError'],
  ])('%s refuses the misspelt %p and suggests "%s" (the default is never kept silently)', (name, extra, suggestion) => {
    const create = factories.find(([factory]) => factory === name)?.[1];
    const [typed] = Object.keys(extra);

    expect(() => create?.(extra)).toThrow(`unknown option "${typed}" (did you mean "${suggestion}"?)`);
  });
});
