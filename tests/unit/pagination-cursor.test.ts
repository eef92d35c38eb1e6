import { MIN_HS256_SECRET_BYTES } from '@lambdalith/middleware';
import { InvalidCursorError, PaginationCursorCodec } from '../../src/domain/pagination-cursor';

const SECRET = 'unit-test-secret-unit-test-secret-unit-test-secret';
const position = { PK: 'USER#123', SK: 'PROFILE', GSI1PK: 'USERS', GSI1SK: '2025-01-01T00:00:00.000Z#123' };
const binding = { listing: 'users', callerId: 'admin-1' };

function codecAt(nowMs: number, secret = SECRET): PaginationCursorCodec {
  return new PaginationCursorCodec({ secret, ttlSeconds: 600, now: () => nowMs });
}

describe('PaginationCursorCodec', () => {
  const now = 1_700_000_000_000;

  it('round-trips a position for the same route and caller', () => {
    const codec = codecAt(now);
    expect(codec.decode(codec.encode(position, binding), binding)).toEqual(position);
  });

  it('produces an opaque URL-safe token that reveals no key names or values', () => {
    const cursor = codecAt(now).encode(position, binding);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/USER|PROFILE|GSI1/);
  });

  it('rejects a cursor with any single byte changed', () => {
    const codec = codecAt(now);
    const bytes = Buffer.from(codec.encode(position, binding), 'base64url');
    for (let index = 0; index < bytes.length; index += 1) {
      const tampered = Buffer.from(bytes);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => codec.decode(tampered.toString('base64url'), binding)).toThrow(InvalidCursorError);
    }
  });

  it('rejects a cursor presented by another caller', () => {
    const codec = codecAt(now);
    const cursor = codec.encode(position, binding);
    expect(() => codec.decode(cursor, { ...binding, callerId: 'admin-2' })).toThrow(InvalidCursorError);
  });

  it('rejects a cursor presented to another route', () => {
    const codec = codecAt(now);
    const cursor = codec.encode(position, binding);
    expect(() => codec.decode(cursor, { ...binding, listing: 'orders' })).toThrow(InvalidCursorError);
  });

  it('rejects a cursor made with another secret', () => {
    const cursor = codecAt(now, `${SECRET}-other`).encode(position, binding);
    expect(() => codecAt(now).decode(cursor, binding)).toThrow(InvalidCursorError);
  });

  it('accepts a cursor until its expiry and rejects it from then on', () => {
    const cursor = codecAt(now).encode(position, binding);
    expect(codecAt(now + 599_000).decode(cursor, binding)).toEqual(position);
    expect(() => codecAt(now + 600_000).decode(cursor, binding)).toThrow('invalid cursor: expired');
  });

  it('refuses key material shorter than the JWT signing secret may be, and accepts that minimum', () => {
    const shortest = 'k'.repeat(MIN_HS256_SECRET_BYTES);
    expect(() => codecAt(now, shortest.slice(1))).toThrow(`secret must be at least ${MIN_HS256_SECRET_BYTES} bytes`);
    expect(() => codecAt(now, shortest)).not.toThrow();
  });

  it.each([
    ['an empty string', ''],
    ['non-base64url characters', 'abc+/=='],
    ['too short to hold a tag', 'AQID'],
    ['very long input', 'A'.repeat(5_000)],
  ])('rejects %s', (_label, cursor) => {
    expect(() => codecAt(now).decode(cursor, binding)).toThrow(InvalidCursorError);
  });
});
