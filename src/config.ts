import { resolve } from 'node:path';
import { isOrigin, MIN_HS256_SECRET_BYTES } from '@lambdalith/middleware';
import { estimatedEntropyBytes, MIN_SECRET_ENTROPY_BYTES, SAM_LOCAL_JWT_SECRET } from './secret-strength';

/**
 * The ONLY module that reads `process.env`. Everything else receives a frozen {@link Config}.
 * Errors name the variable and what is wrong with it, never the value (it may be a secret). It only reads:
 * what a local host does with the result (a generated development secret, say) lives in `src/local/`.
 */

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
export type LogFormat = 'json' | 'pretty';

export interface DynamoDbConfig {
  /** Custom endpoint (DynamoDB Local); `undefined` means AWS, or the embedded DynamoDB Local under `npm start`. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly tableName: string;
  readonly useLocalCredentials: boolean;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

/**
 * Where the HS256 signing secret comes from: a value; (in Lambda) a Secrets Manager secret read at cold
 * start; or (locally, neither set) a development secret the local host generates and keeps under `DATA_DIR`.
 */
export type JwtSecretSource =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'secrets-manager'; readonly secretId: string }
  | { readonly kind: 'development' };

export interface AuthConfig {
  readonly jwtSecret: JwtSecretSource;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string | undefined;
  /** Expected `iss` of the JWKS provider's tokens; set exactly when `jwksUrl` is. */
  readonly jwksIssuer: string | undefined;
  /**
   * Expected audience (`aud`, or Cognito's `client_id`) of the JWKS provider's tokens; set exactly when `jwksUrl` is.
   */
  readonly jwksAudience: string | undefined;
  readonly accessTokenTtlSeconds: number;
}

/** A fixed-window rate limit: `limit` requests per `windowSeconds`. */
export interface RateLimitConfig {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface EmailConfig {
  /** From-address of the emails the API sends (an SES-verified identity in Lambda; `no-reply@localhost` locally). */
  readonly from: string;
  /** Custom SES endpoint (an emulator, or the tests' stand-in); `undefined` means AWS. Lambda only. */
  readonly sesEndpoint: string | undefined;
  /** No AWS credentials + a custom SES endpoint: sign with fixed local credentials. */
  readonly useLocalCredentials: boolean;
}

export interface Config {
  /** `lambda` when `AWS_LAMBDA_FUNCTION_NAME` is set, `local` otherwise. */
  readonly runtime: 'lambda' | 'local';
  readonly serviceName: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly dynamodb: DynamoDbConfig;
  readonly auth: AuthConfig;
  readonly corsOrigins: readonly string[];
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly metrics: { readonly enabled: boolean; readonly namespace: string };
  readonly rateLimit: { readonly auth: RateLimitConfig };
  readonly email: EmailConfig;
}

/** Thrown when the environment is missing or has invalid values. The message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** What config reads besides the environment; tests replace it. */
export interface ConfigIo {
  /** Whether stdout is a terminal (logs are then human-readable by default). */
  readonly stdoutIsTty: boolean;
}

const defaultIo: ConfigIo = { stdoutIsTty: process.stdout.isTTY === true };

/**
 * Reads, validates and freezes the configuration. Throws {@link ConfigError} naming every bad variable.
 * In Lambda, secrets never get defaults; locally, a missing `JWT_SECRET` is `{ kind: 'development' }`.
 */
export function loadConfig(env: Env = process.env, io: ConfigIo = defaultIo): Config {
  const read = new EnvReader(env);
  const runtime = nonEmpty(env['AWS_LAMBDA_FUNCTION_NAME']) ? 'lambda' : 'local';
  const inLambda = runtime === 'lambda';

  const dataDir = resolve(read.string('DATA_DIR', { default: '.data' }));
  const endpoint = read.url('DYNAMODB_ENDPOINT', { optional: true });
  const sesEndpoint = read.url('SES_ENDPOINT', { optional: true });
  const jwtSecret = readJwtSecret(read, inLambda, env['AWS_SAM_LOCAL'] === 'true');
  const issuer = read.string('JWT_ISSUER', { default: 'lambdalith' });
  const audience = read.string('JWT_AUDIENCE', { default: 'lambdalith-api' });
  const jwksUrl = read.url('JWT_JWKS_URL', { optional: true, https: inLambda });

  const config: Config = {
    runtime,
    serviceName: read.string('SERVICE_NAME', { default: 'lambdalith' }),
    host: read.string('HOST', { default: '127.0.0.1' }),
    port: read.integer('PORT', { default: 3000, min: 0, max: 65_535 }),
    dataDir,
    dynamodb: {
      endpoint,
      region: read.string('AWS_REGION', { default: inLambda ? undefined : 'us-east-1' }),
      tableName: read.string('TABLE_NAME', {
        default: inLambda ? undefined : 'lambdalith',
        pattern: /^[a-zA-Z0-9_.-]{3,255}$/,
      }),
      // No AWS credentials + a custom endpoint = DynamoDB Local, which takes any credentials.
      useLocalCredentials: usesEmulatorCredentials(endpoint, env),
      connectTimeoutMs: read.integer('DYNAMODB_CONNECT_TIMEOUT_MS', { default: 800, min: 50, max: 10_000 }),
      requestTimeoutMs: read.integer('DYNAMODB_REQUEST_TIMEOUT_MS', { default: 1_000, min: 50, max: 25_000 }),
      maxAttempts: read.integer('DYNAMODB_MAX_ATTEMPTS', { default: 2, min: 1, max: 5 }),
    },
    auth: {
      jwtSecret,
      issuer,
      audience,
      jwksUrl,
      // A second key source has its own issuer and audience. Unset, they fall back to the provider's
      // conventional issuer (the URL without /.well-known/jwks.json) and to JWT_AUDIENCE, which a
      // provider's tokens will not match: they are then refused (401), never accepted.
      jwksIssuer:
        jwksUrl === undefined
          ? undefined
          : read.string('JWT_JWKS_ISSUER', { default: issuerOfJwksUrl(jwksUrl) ?? issuer }),
      jwksAudience: jwksUrl === undefined ? undefined : read.string('JWT_JWKS_AUDIENCE', { default: audience }),
      accessTokenTtlSeconds: read.integer('JWT_TTL_SECONDS', { default: 3_600, min: 60, max: 3_600 }),
    },
    corsOrigins: read.origins('CORS_ORIGINS'),
    log: {
      level: read.oneOf('LOG_LEVEL', ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const, {
        default: 'INFO',
        transform: (value) => value.toUpperCase(),
      }),
      format: read.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, {
        default: !inLambda && io.stdoutIsTty ? 'pretty' : 'json',
        transform: (value) => value.toLowerCase(),
      }),
    },
    metrics: {
      enabled: read.boolean('METRICS_ENABLED', { default: inLambda }),
      namespace: read.string('METRICS_NAMESPACE', { default: 'lambdalith', pattern: /^[a-zA-Z0-9._#:/-]{1,255}$/ }),
    },
    rateLimit: {
      // Per client IP, shared by every Lambda instance (counted in DynamoDB).
      auth: {
        limit: read.integer('AUTH_RATE_LIMIT', { default: 10, min: 1, max: 1_000_000 }),
        windowSeconds: read.integer('AUTH_RATE_LIMIT_WINDOW_SECONDS', { default: 60, min: 1, max: 86_400 }),
      },
    },
    email: {
      from: read.string('EMAIL_FROM', {
        default: inLambda ? undefined : 'no-reply@localhost',
        pattern: /^[^\s@]+@[^\s@]+$/,
      }),
      sesEndpoint,
      useLocalCredentials: usesEmulatorCredentials(sesEndpoint, env),
    },
  };

  read.assertValid();
  return deepFreeze(config);
}

function readJwtSecret(read: EnvReader, inLambda: boolean, inSamLocal: boolean): JwtSecretSource {
  const value = read.optionalString('JWT_SECRET');
  const secretId = read.optionalString('JWT_SECRET_ARN');
  // One source, so a plain-text JWT_SECRET can never silently override the deployed secret (and an ARN is
  // never silently ignored locally, where nothing reads Secrets Manager).
  if (inLambda && value !== undefined && secretId !== undefined) {
    read.problem(
      'JWT_SECRET',
      'must not be set together with JWT_SECRET_ARN in Lambda (JWT_SECRET is for `sam local` only)',
    );
  }
  if (!inLambda && secretId !== undefined) {
    read.problem(
      'JWT_SECRET_ARN',
      'is only read in Lambda; set JWT_SECRET locally, or leave both unset for a generated development secret',
    );
  }
  if (value !== undefined) {
    if (Buffer.byteLength(value, 'utf8') < MIN_HS256_SECRET_BYTES) {
      read.problem(
        'JWT_SECRET',
        `must be at least ${MIN_HS256_SECRET_BYTES} bytes of random data (try: openssl rand -base64 48)`,
      );
    } else if (inLambda && !inSamLocal) {
      // Deployed (sam local sets AWS_SAM_LOCAL=true): the signing key belongs in Secrets Manager, and a plain
      // value that anyone can read in this repository, or guess, would let anyone mint tokens.
      if (value === SAM_LOCAL_JWT_SECRET) {
        read.problem(
          'JWT_SECRET',
          "is sam-local-env.json's public value, for `sam local` only; deploy with JWT_SECRET_ARN",
        );
      } else if (estimatedEntropyBytes(value) < MIN_SECRET_ENTROPY_BYTES) {
        read.problem(
          'JWT_SECRET',
          `has under ${MIN_SECRET_ENTROPY_BYTES} bytes of entropy (try: openssl rand -base64 48), and belongs in Secrets Manager (JWT_SECRET_ARN)`,
        );
      }
    }
    return { kind: 'value', value };
  }
  if (secretId !== undefined) return { kind: 'secrets-manager', secretId };
  if (inLambda) {
    read.problem(
      'JWT_SECRET_ARN',
      'is required in Lambda (the ARN of the Secrets Manager secret holding the JWT signing key)',
    );
    return { kind: 'value', value: '' };
  }
  // `npm start` works with no set-up: the local host generates a secret (src/local/development-secret.ts).
  return { kind: 'development' };
}

// Cognito (and many OIDC providers) publish their keys at `<issuer>/.well-known/jwks.json`.
function issuerOfJwksUrl(jwksUrl: string): string | undefined {
  const suffix = '/.well-known/jwks.json';
  return jwksUrl.endsWith(suffix) ? jwksUrl.slice(0, -suffix.length) : undefined;
}

// A custom endpoint without AWS credentials in the environment is an emulator (DynamoDB Local, an SES
// stand-in), which takes any credentials; fixed ones keep every local process on the same data and stop the
// SDK probing the instance metadata service. An AWS endpoint (a VPC or FIPS one) always gets the real chain.
function usesEmulatorCredentials(endpoint: string | undefined, env: Env): boolean {
  if (endpoint === undefined || new URL(endpoint).hostname.endsWith('.amazonaws.com')) return false;
  return !nonEmpty(env['AWS_ACCESS_KEY_ID']) && !nonEmpty(env['AWS_PROFILE']);
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

interface Rule<T> {
  readonly default?: T | undefined;
}

/** Collects every problem before failing, so one run tells the operator everything to fix. */
class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  problem(name: string, message: string): void {
    this.problems.push(`${name} ${message}`);
  }

  assertValid(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  optionalString(name: string): string | undefined {
    const value = this.env[name];
    return nonEmpty(value) ? value.trim() : undefined;
  }

  string(name: string, rule: Rule<string> & { pattern?: RegExp } = {}): string {
    const value = this.optionalString(name) ?? rule.default;
    if (value === undefined) {
      this.problem(name, 'is required');
      return '';
    }
    if (rule.pattern !== undefined && !rule.pattern.test(value)) {
      this.problem(name, `has an invalid format (expected ${rule.pattern.source})`);
    }
    return value;
  }

  integer(name: string, rule: Rule<number> & { min: number; max: number }): number {
    const raw = this.optionalString(name);
    if (raw === undefined) return rule.default ?? this.missing(name, 0);
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < rule.min || value > rule.max) {
      this.problem(name, `must be an integer from ${rule.min} to ${rule.max}`);
      return rule.default ?? 0;
    }
    return value;
  }

  boolean(name: string, rule: Rule<boolean>): boolean {
    const raw = this.optionalString(name)?.toLowerCase();
    if (raw === undefined) return rule.default ?? this.missing(name, false);
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    this.problem(name, 'must be true or false');
    return rule.default ?? false;
  }

  oneOf<const T extends string>(
    name: string,
    allowed: readonly T[],
    rule: Rule<T> & { transform?: (value: string) => string },
  ): T {
    const raw = this.optionalString(name);
    if (raw === undefined) return rule.default ?? this.missing(name, allowed[0] as T);
    const value = rule.transform ? rule.transform(raw) : raw;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) {
      this.problem(name, `must be one of ${allowed.join(', ')}`);
      return rule.default ?? (allowed[0] as T);
    }
    return match;
  }

  url(name: string, rule: { optional: true; https?: boolean }): string | undefined {
    const raw = this.optionalString(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      const protocols = rule.https === true ? ['https:'] : ['http:', 'https:'];
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      this.problem(name, `must be an absolute ${rule.https === true ? 'https' : 'http(s)'} URL`);
      return undefined;
    }
  }

  origins(name: string): string[] {
    const raw = this.optionalString(name);
    if (raw === undefined) return [];
    const origins = raw
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    for (const origin of origins) {
      if (origin === '*' || !isOrigin(origin)) {
        this.problem(
          name,
          'must be a comma-separated list of origins such as https://app.example.com (no "*", no paths)',
        );
        return [];
      }
    }
    return origins;
  }

  private missing<T>(name: string, placeholder: T): T {
    this.problem(name, 'is required');
    return placeholder;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
