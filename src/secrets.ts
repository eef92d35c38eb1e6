import { NodeHttpHandler } from '@smithy/node-http-handler';
import { MIN_HS256_SECRET_BYTES } from '@lambdalith/middleware';
import type { JwtSecretSource } from './config';

/**
 * Secrets Manager answers in tens of milliseconds; a cold start that waits longer is stuck. Past this the
 * init fails with a clear error (and the next invocation tries again) instead of eating the function's timeout.
 */
const DEFAULT_TIMEOUT_MS = 3_000;

/** Thrown when the JWT signing secret cannot be read or is unusable. Names the secret, never its value. */
export class JwtSecretError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'JwtSecretError';
  }
}

/** The part of a `GetSecretValue` answer we use. */
export interface SecretValue {
  readonly SecretString?: string | undefined;
  readonly SecretBinary?: Uint8Array | undefined;
}

/** Reads one secret; aborts when `signal` fires. The default uses the AWS SDK; tests pass their own. */
export type SecretFetcher = (secretId: string, signal: AbortSignal) => Promise<SecretValue>;

export interface ResolveJwtSecretOptions {
  /** Region of the Secrets Manager client (config's AWS_REGION). */
  readonly region: string;
  readonly timeoutMs?: number;
  readonly fetchSecret?: SecretFetcher;
}

/**
 * Resolves the HS256 signing secret. The host calls it once per process (in Lambda: once per cold start, in
 * the init phase), so a `secrets-manager` source costs one `GetSecretValue` per execution environment and the
 * value never sits in the function's environment variables.
 */
export async function resolveJwtSecret(source: JwtSecretSource, options: ResolveJwtSecretOptions): Promise<string> {
  if (source.kind === 'value') return source.value;
  // Only local hosts generate one (src/local/development-secret.ts); config never yields it in Lambda.
  if (source.kind === 'development')
    throw new JwtSecretError('No JWT signing secret is configured (JWT_SECRET or JWT_SECRET_ARN)');

  const { secretId } = source;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchSecret = options.fetchSecret ?? secretsManagerFetcher(options.region, timeoutMs);
  const signal = AbortSignal.timeout(timeoutMs);
  let answer: SecretValue;
  try {
    answer = await fetchSecret(secretId, signal);
  } catch (error) {
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error);
    throw new JwtSecretError(`Could not read the JWT signing secret ${secretId} from Secrets Manager: ${reason}`, {
      cause: error,
    });
  }

  if (answer.SecretString === undefined) {
    throw new JwtSecretError(
      `The JWT signing secret ${secretId} has no SecretString (a binary secret is not supported)`,
    );
  }
  // Trimmed like every configuration value: a secret written from a file often ends with a newline.
  const secret = answer.SecretString.trim();
  if (Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) {
    throw new JwtSecretError(
      `The JWT signing secret ${secretId} is shorter than ${MIN_HS256_SECRET_BYTES} bytes; ` +
        `store at least ${MIN_HS256_SECRET_BYTES} bytes of random data`,
    );
  }
  return secret;
}

// One client for one call: the secret is read once per process, so keeping the client (and its sockets) alive
// afterwards would only hold resources. Per-attempt timeouts bound each try; the abort signal bounds the whole.
// The SDK is imported here, not at the top: a host that passes the secret's value never loads it.
function secretsManagerFetcher(region: string, timeoutMs: number): SecretFetcher {
  return async (secretId, signal) => {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({
      region,
      maxAttempts: 2,
      requestHandler: new NodeHttpHandler({ connectionTimeout: Math.min(1_000, timeoutMs), requestTimeout: timeoutMs }),
    });
    try {
      return await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal });
    } finally {
      client.destroy();
    }
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
