import { idempotencyKeyViolation, payloadFingerprint } from '../../src/domain/idempotency';
import { idempotencyKeyOf } from '../../src/routes/order-validators';

describe('idempotencyKeyOf (the Idempotency-Key header)', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['abc-123', 'abc-123'],
    ['  abc  ', 'abc'],
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"with \\"escaped\\" quotes"', 'with "escaped" quotes'],
    ['"unterminated', '"unterminated'],
    ['"a"b"', '"a"b"'],
  ])('reads %p as %p', (header, key) => {
    expect(idempotencyKeyOf(header)).toBe(key);
  });
});

describe('idempotencyKeyViolation', () => {
  it.each(['a', 'K'.repeat(128), "!#$%&'*+-.^_`|~", '8e03978e-40d5-43e8-bc93-6894a57f9324'])('accepts %p', (key) => {
    expect(idempotencyKeyViolation(key)).toBeUndefined();
  });

  it.each(['', 'K'.repeat(129), 'a b', 'tab\there', 'é', 'line\n'])('refuses %p', (key) => {
    expect(idempotencyKeyViolation(key)).toBe('must be 1 to 128 visible ASCII characters');
  });
});

describe('payloadFingerprint', () => {
  it('is the same for the same order and differs when any value differs', () => {
    const base = { items: [{ sku: 'A', quantity: 1, unitPrice: 2 }], currency: 'EUR' };

    expect(payloadFingerprint(base)).toBe(
      payloadFingerprint({ currency: 'EUR', items: [{ unitPrice: 2, quantity: 1, sku: 'A' }] }),
    );
    expect(payloadFingerprint(base)).not.toBe(payloadFingerprint({ ...base, currency: 'USD' }));
    expect(payloadFingerprint(base)).not.toBe(
      payloadFingerprint({ ...base, items: [{ sku: 'A', quantity: 2, unitPrice: 1 }] }),
    );
    expect(payloadFingerprint(base)).not.toBe(payloadFingerprint({ ...base, items: [...base.items, ...base.items] }));
  });
});
