import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type ConfigIo } from '../../src/config';

const SECRET = 'a-48-byte-secret-for-tests-only-0123456789abcdef';

function quietIo(overrides: Partial<ConfigIo> = {}): ConfigIo {
  return { stdoutIsTty: false, ...overrides };
}

function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'lambdalith-config-'));
}

const lambdaEnv = {
  AWS_LAMBDA_FUNCTION_NAME: 'api',
  AWS_REGION: 'eu-west-1',
  TABLE_NAME: 'lambdalith-prod',
  JWT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt-AbCdEf',
  EMAIL_FROM: 'no-reply@example.com',
};

describe('loadConfig locally', () => {
  it('works with an empty environment, using safe local defaults', () => {
    const dataDir = freshDataDir();

    const config = loadConfig({ DATA_DIR: dataDir }, quietIo());

    expect(config).toMatchObject({
      runtime: 'local',
      host: '127.0.0.1',
      port: 3000,
      dataDir,
      dynamodb: {
        endpoint: undefined,
        tableName: 'lambdalith',
        region: 'us-east-1',
        maxAttempts: 2,
        requestTimeoutMs: 1000,
      },
      auth: { issuer: 'lambdalith', audience: 'lambdalith-api', jwksUrl: undefined, accessTokenTtlSeconds: 3600 },
      corsOrigins: [],
      log: { level: 'INFO', format: 'json' },
      metrics: { enabled: false },
    });
  });

  it('sends email from no-reply@localhost unless EMAIL_FROM names another address', () => {
    expect(loadConfig({ DATA_DIR: freshDataDir() }, quietIo()).email.from).toBe('no-reply@localhost');
    expect(loadConfig({ DATA_DIR: freshDataDir(), EMAIL_FROM: 'dev@example.com' }, quietIo()).email.from).toBe(
      'dev@example.com',
    );
    expect(() => loadConfig({ DATA_DIR: freshDataDir(), EMAIL_FROM: 'not an address' }, quietIo())).toThrow(
      /EMAIL_FROM has an invalid format/,
    );
  });

  it('leaves an unset JWT_SECRET to the local host as a development secret, writing nothing', () => {
    const dataDir = join(freshDataDir(), 'not-created');

    const config = loadConfig({ DATA_DIR: dataDir }, quietIo());

    expect(config.auth.jwtSecret).toEqual({ kind: 'development' });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('prints logs human-readably on a terminal and as JSON when piped, unless LOG_FORMAT says otherwise', () => {
    const dataDir = freshDataDir();

    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: SECRET }, quietIo({ stdoutIsTty: true })).log.format).toBe(
      'pretty',
    );
    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: SECRET }, quietIo({ stdoutIsTty: false })).log.format).toBe(
      'json',
    );
    expect(
      loadConfig({ DATA_DIR: dataDir, JWT_SECRET: SECRET, LOG_FORMAT: 'JSON' }, quietIo({ stdoutIsTty: true })).log
        .format,
    ).toBe('json');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ DATA_DIR: freshDataDir(), JWT_SECRET: SECRET }, quietIo());

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.dynamodb)).toBe(true);
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
  });

  it('uses fixed local credentials for a custom endpoint only when no AWS credentials are configured', () => {
    const base = { DATA_DIR: freshDataDir(), JWT_SECRET: SECRET, DYNAMODB_ENDPOINT: 'http://localhost:8000' };

    expect(loadConfig(base, quietIo()).dynamodb.useLocalCredentials).toBe(true);
    expect(loadConfig({ ...base, AWS_ACCESS_KEY_ID: 'AKIA' }, quietIo()).dynamodb.useLocalCredentials).toBe(false);
    expect(loadConfig({ ...base, DYNAMODB_ENDPOINT: '' }, quietIo()).dynamodb).toMatchObject({
      endpoint: undefined,
      useLocalCredentials: false,
    });
    expect(
      loadConfig({ ...base, DYNAMODB_ENDPOINT: 'https://dynamodb.eu-west-1.amazonaws.com' }, quietIo()).dynamodb
        .useLocalCredentials,
    ).toBe(false);
    expect(loadConfig({ ...base, SES_ENDPOINT: 'http://127.0.0.1:9000' }, quietIo()).email).toMatchObject({
      sesEndpoint: 'http://127.0.0.1:9000',
      useLocalCredentials: true,
    });
  });
});

describe('loadConfig rejects bad values', () => {
  it('refuses JWT_SECRET_ARN outside Lambda, where nothing reads Secrets Manager', () => {
    expect(() => loadConfig({ DATA_DIR: freshDataDir(), JWT_SECRET_ARN: lambdaEnv.JWT_SECRET_ARN }, quietIo())).toThrow(
      /JWT_SECRET_ARN is only read in Lambda/,
    );
  });

  it.each([
    ['PORT', 'eighty', /PORT must be an integer from 0 to 65535/],
    ['PORT', '70000', /PORT must be an integer/],
    ['DYNAMODB_ENDPOINT', 'localhost:8000', /DYNAMODB_ENDPOINT must be an absolute http\(s\) URL/],
    ['CORS_ORIGINS', '*', /CORS_ORIGINS must be a comma-separated list of origins/],
    ['CORS_ORIGINS', 'https://app.example.com/path', /CORS_ORIGINS must be/],
    ['LOG_LEVEL', 'chatty', /LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT/],
    ['JWT_TTL_SECONDS', '86400', /JWT_TTL_SECONDS must be an integer from 60 to 3600/],
    ['METRICS_ENABLED', 'maybe', /METRICS_ENABLED must be true or false/],
    ['TABLE_NAME', 'a b', /TABLE_NAME has an invalid format/],
  ])('names %s when it is %j', (name, value, message) => {
    const load = (): unknown => loadConfig({ DATA_DIR: freshDataDir(), JWT_SECRET: SECRET, [name]: value }, quietIo());

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('refuses a JWT secret shorter than 32 bytes without printing it', () => {
    const weakSecret = 'short-but-secret-value';

    const load = (): unknown => loadConfig({ DATA_DIR: freshDataDir(), JWT_SECRET: weakSecret }, quietIo());

    expect(load).toThrow(/JWT_SECRET must be at least 32 bytes/);
    expect(load).not.toThrow(weakSecret);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: freshDataDir(), JWT_SECRET: SECRET, PORT: 'x', LOG_LEVEL: 'y' }, quietIo());
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^PORT /),
      expect.stringMatching(/^LOG_LEVEL /),
    ]);
  });
});

describe('loadConfig in Lambda', () => {
  it('accepts the environment the template provides', () => {
    const config = loadConfig(lambdaEnv, quietIo());

    expect(config).toMatchObject({
      runtime: 'lambda',
      dynamodb: { tableName: 'lambdalith-prod', region: 'eu-west-1', endpoint: undefined, useLocalCredentials: false },
      auth: { jwtSecret: { kind: 'secrets-manager', secretId: lambdaEnv.JWT_SECRET_ARN } },
      log: { format: 'json' },
      metrics: { enabled: true },
      email: { from: 'no-reply@example.com' },
    });
  });

  it.each(['TABLE_NAME', 'AWS_REGION', 'JWT_SECRET_ARN', 'EMAIL_FROM'])(
    'requires %s and never invents a default',
    (name) => {
      const { [name as keyof typeof lambdaEnv]: _removed, ...env } = lambdaEnv;

      expect(() => loadConfig(env, quietIo())).toThrow(new RegExp(`${name} is required`));
    },
  );

  it('never falls back to a development secret, even with DATA_DIR writable', () => {
    const dataDir = freshDataDir();
    const { JWT_SECRET_ARN: _arn, ...env } = lambdaEnv;

    expect(() => loadConfig({ ...env, DATA_DIR: dataDir }, quietIo())).toThrow(/JWT_SECRET_ARN is required in Lambda/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a plain-text JWT_SECRET next to JWT_SECRET_ARN, so it can never override the deployed secret', () => {
    expect(() => loadConfig({ ...lambdaEnv, JWT_SECRET: SECRET }, quietIo())).toThrow(
      /JWT_SECRET must not be set together with JWT_SECRET_ARN/,
    );
    expect(() => loadConfig({ ...lambdaEnv, JWT_SECRET: SECRET }, quietIo())).not.toThrow(SECRET);
  });

  it('accepts JWT_SECRET alone, as sam local start-api passes it', () => {
    const { JWT_SECRET_ARN: _arn, ...env } = lambdaEnv;

    expect(loadConfig({ ...env, AWS_SAM_LOCAL: 'true', JWT_SECRET: SECRET }, quietIo()).auth.jwtSecret).toEqual({
      kind: 'value',
      value: SECRET,
    });
  });

  it('accepts only https JWKS URLs', () => {
    expect(() => loadConfig({ ...lambdaEnv, JWT_JWKS_URL: 'http://idp.example.com/jwks' }, quietIo())).toThrow(
      /JWT_JWKS_URL must be an absolute https URL/,
    );
    expect(loadConfig({ ...lambdaEnv, JWT_JWKS_URL: 'https://idp.example.com/jwks' }, quietIo()).auth.jwksUrl).toBe(
      'https://idp.example.com/jwks',
    );
  });
});
