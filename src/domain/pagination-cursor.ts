import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError } from './errors';

/** A position in a listing, as the store hands it out (DynamoDB's `LastEvaluatedKey`): string attributes only. */
export type ListPosition = Readonly<Record<string, string>>;

/** What a cursor is bound to: it only works for the same listing and the same caller. */
export interface CursorBinding {
  /** The listing, e.g. `users`. */
  readonly listing: string;
  /** The user the cursor was issued to. */
  readonly callerId: string;
}

/** The cursor was tampered with, issued for another listing or caller, expired, or is not a cursor at all. */
export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

export interface PaginationCursorOptions {
  /** Key material (the JWT signing secret); a separate key is derived from it with HKDF. */
  readonly secret: string;
  /** How long a cursor stays valid. */
  readonly ttlSeconds: number;
  readonly now?: () => number;
}

/**
 * The least key material accepted: 256 bits, the strength of the AES-256 key derived from it. (The app passes
 * its JWT signing secret, whose own minimum is the same.)
 */
export const MIN_CURSOR_SECRET_BYTES = 32;

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Far above any real cursor (a few hundred characters), low enough that decoding garbage is cheap. */
export const MAX_CURSOR_LENGTH = 2_048;

/**
 * Opaque, authenticated pagination cursors.
 *
 * A cursor is the store's position encrypted with AES-256-GCM under a key derived from the app secret
 * (HKDF, so the signing key itself is never used for two purposes). The listing and the caller are the
 * GCM "additional data": a cursor presented by someone else, or to another listing, fails authentication
 * exactly like a tampered one. The expiry is inside the ciphertext. Encryption (not just a MAC) keeps
 * storage key names and values away from clients, so they cannot build cursors or depend on the format.
 */
export class PaginationCursorCodec {
  private readonly key: Buffer;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(options: PaginationCursorOptions) {
    if (Buffer.byteLength(options.secret) < MIN_CURSOR_SECRET_BYTES) {
      throw new TypeError(`PaginationCursorCodec: secret must be at least ${MIN_CURSOR_SECRET_BYTES} bytes`);
    }
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
      throw new TypeError('PaginationCursorCodec: ttlSeconds must be a positive integer');
    }
    this.key = Buffer.from(hkdfSync('sha256', options.secret, 'lambdalith', 'pagination-cursor/v1', 32));
    this.ttlSeconds = options.ttlSeconds;
    this.now = options.now ?? Date.now;
  }

  encode(position: ListPosition, binding: CursorBinding): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(binding));
    const expiresAt = Math.floor(this.now() / 1_000) + this.ttlSeconds;
    const plaintext = Buffer.from(JSON.stringify({ e: expiresAt, p: position }), 'utf8');
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  /**
   * The position inside `cursor`. Throws {@link InvalidCursorError} for anything but a valid, live cursor of this
   * binding.
   */
  decode(cursor: string, binding: CursorBinding): ListPosition {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
      throw new InvalidCursorError('not a cursor');
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_VERSION)
      throw new InvalidCursorError('not a cursor');
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const ciphertext = bytes.subarray(1 + IV_BYTES + TAG_BYTES);

    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(binding));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new InvalidCursorError('authentication failed (tampered, or issued for another listing or caller)');
    }

    let payload: unknown;
    try {
      payload = JSON.parse(plaintext);
    } catch {
      payload = undefined;
    }
    if (!isPayload(payload)) throw new InvalidCursorError('unexpected content');
    if (payload.e * 1_000 <= this.now()) throw new InvalidCursorError('expired');
    return payload.p;
  }
}

function additionalData(binding: CursorBinding): Buffer {
  return Buffer.from(JSON.stringify([binding.listing, binding.callerId]), 'utf8');
}

function isPayload(value: unknown): value is { e: number; p: ListPosition } {
  if (typeof value !== 'object' || value === null) return false;
  const { e, p } = value as { e?: unknown; p?: unknown };
  return (
    typeof e === 'number' &&
    Number.isInteger(e) &&
    typeof p === 'object' &&
    p !== null &&
    !Array.isArray(p) &&
    Object.values(p).every((attribute) => typeof attribute === 'string')
  );
}
