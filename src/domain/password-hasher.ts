import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt work factors. `log2N` rather than N keeps the stored string short and N a power of two. */
export interface ScryptParameters {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's recommendation for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, about 128 MiB per hash. */
export const CURRENT_SCRYPT_PARAMETERS: ScryptParameters = Object.freeze({ log2N: 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = 'scrypt';
// Parameters beyond these are refused when parsing a stored hash, so a corrupted (or planted) record
// cannot make one login allocate gigabytes.
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 4;

/** The outcome of checking a password against a stored hash. */
export interface PasswordCheck {
  readonly matches: boolean;
  /** True when the password matched but was hashed with other parameters than today's: store a fresh hash. */
  readonly needsRehash: boolean;
}

/**
 * Hashes and verifies passwords with node:crypto's scrypt (async only: the work runs on libuv's thread
 * pool, never blocking the event loop).
 *
 * Stored format, self-describing so the cost can be raised later without a migration:
 * `scrypt$<log2 N>$<r>$<p>$<salt, base64url>$<key, base64url>`. A hash made with older parameters still
 * verifies, and `needsRehash` tells the caller to replace it after a successful login.
 */
export class PasswordHasher {
  private readonly dummyHash: string;

  constructor(private readonly parameters: ScryptParameters = CURRENT_SCRYPT_PARAMETERS) {
    // For unknown emails and locked accounts: verifying against this costs the same as a real check, so
    // response time does not reveal which case it was. Its key matches no password (it is random bytes).
    this.dummyHash = format(parameters, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.parameters);
    return format(this.parameters, salt, key);
  }

  async verify(password: string, storedHash: string): Promise<PasswordCheck> {
    const parsed = parse(storedHash);
    if (parsed === undefined) {
      // A malformed record must not be a shortcut: spend the same time, then refuse.
      await this.burnEquivalentTime(password);
      return { matches: false, needsRehash: false };
    }
    const key = await derive(password, parsed.salt, parsed.parameters);
    const matches = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
    return { matches, needsRehash: matches && !sameParameters(parsed.parameters, this.parameters) };
  }

  /** Does the work of one verification and throws the result away (unknown email, locked account). */
  async burnEquivalentTime(password: string): Promise<void> {
    await this.verify(password, this.dummyHash);
  }
}

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.log2N;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    // Node refuses anything above 32 MiB by default; scrypt needs 128·N·r bytes (128 MiB at N=2^17, r=8),
    // plus a little bookkeeping, so allow twice that.
    maxmem: 2 * 128 * N * parameters.r,
  };
  // Normalising means the same password typed on two systems that compose accents differently matches
  // (NIST SP 800-63B, 5.1.1.2).
  const input = password.normalize('NFKC');
  return new Promise((resolve, reject) => {
    scrypt(input, salt, KEY_BYTES, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

function format(parameters: ScryptParameters, salt: Buffer, key: Buffer): string {
  return [
    PREFIX,
    parameters.log2N,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [log2N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,2}$/.test(part) ? Number(part) : Number.NaN));
  if (log2N === undefined || r === undefined || p === undefined) return undefined;
  if (!(log2N >= 10 && log2N <= MAX_LOG2_N && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { parameters: { log2N, r, p }, salt, key };
}

function sameParameters(a: ScryptParameters, b: ScryptParameters): boolean {
  return a.log2N === b.log2N && a.r === b.r && a.p === b.p;
}
