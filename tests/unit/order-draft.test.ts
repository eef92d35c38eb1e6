import { ValidationError } from '../../src/domain/errors';
import { LARGEST_ORDER_TOTAL, orderTotal, publicOrder, readOrderDraft, type StoredOrder } from '../../src/domain/order';

function violationsOf(input: unknown): { field: string; message: string }[] {
  try {
    readOrderDraft(input);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.violations];
    throw error;
  }
  return [];
}

describe('readOrderDraft', () => {
  it('returns a fresh draft holding only the known fields', () => {
    // Arrange
    const input = { items: [{ sku: 'A-1', quantity: 2, unitPrice: 5 }], currency: 'EUR' };

    // Act
    const draft = readOrderDraft(input);

    // Assert
    expect(draft).toEqual(input);
    expect(draft).not.toBe(input);
    expect(draft.items[0]).not.toBe(input.items[0]);
  });

  it.each([
    ['1e400 (Infinity)', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['NaN', Number.NaN],
    ['-1', -1],
    ['0', 0],
    ['1.5', 1.5],
    ['1001', 1_001],
    ['"10"', '10'],
    ['true', true],
    ['false', false],
    ['null', null],
    ['[]', []],
    ['{}', {}],
    ['2^53 (not a safe integer)', 2 ** 53],
  ])('refuses a quantity of %s', (_label, quantity) => {
    expect(violationsOf({ items: [{ sku: 'A', quantity, unitPrice: 1 }], currency: 'EUR' })).toEqual([
      { field: 'items[0].quantity', message: 'must be an integer from 1 to 1000' },
    ]);
  });

  it.each([
    ['-1', -1],
    ['1e9 + 1', 1_000_000_001],
    ['0.5', 0.5],
    ['"0"', '0'],
  ])('refuses a unitPrice of %s', (_label, unitPrice) => {
    expect(violationsOf({ items: [{ sku: 'A', quantity: 1, unitPrice }], currency: 'EUR' })).toEqual([
      { field: 'items[0].unitPrice', message: 'must be an integer from 0 to 1000000000 (minor units)' },
    ]);
  });

  it.each(['a', 'A_B', 'A B', 'Ä', 'A'.repeat(33), ''])('refuses the sku %p', (sku) => {
    expect(violationsOf({ items: [{ sku, quantity: 1, unitPrice: 1 }], currency: 'EUR' })).toEqual([
      { field: 'items[0].sku', message: 'must be 1 to 32 of A-Z, 0-9 and -' },
    ]);
  });

  it.each(['eur', 'EU', 'EURO', 'E1R', ''])('refuses the currency %p', (currency) => {
    expect(violationsOf({ items: [{ sku: 'A', quantity: 1, unitPrice: 1 }], currency })).toEqual([
      { field: 'currency', message: 'must be an ISO 4217 code: three uppercase letters' },
    ]);
  });

  it('reports every violation at once, by path, including server-owned and unknown fields', () => {
    // Act
    const violations = violationsOf({
      id: 'x',
      total: 1,
      extra: true,
      currency: 1,
      items: [{ sku: 'ok', quantity: 1, unitPrice: 1, colour: 'red' }, null, { sku: 'B', quantity: 1, unitPrice: -5 }],
    });

    // Assert
    expect(violations).toEqual([
      { field: 'id', message: 'is set by the server and may not be sent' },
      { field: 'total', message: 'is set by the server and may not be sent' },
      { field: 'extra', message: 'Unknown field' },
      { field: 'currency', message: 'must be a string' },
      { field: 'items[0].colour', message: 'Unknown field' },
      { field: 'items[0].sku', message: 'must be 1 to 32 of A-Z, 0-9 and -' },
      { field: 'items[1]', message: 'must be an object' },
      { field: 'items[2].unitPrice', message: 'must be an integer from 0 to 1000000000 (minor units)' },
    ]);
  });

  it.each([
    ['no items', [], 'must hold 1 to 50 items'],
    [
      '51 items',
      Array.from({ length: 51 }, () => ({ sku: 'A', quantity: 1, unitPrice: 1 })),
      'must hold 1 to 50 items',
    ],
    ['a string', 'A', 'must be an array'],
  ])('refuses %s as items', (_label, items, message) => {
    expect(violationsOf({ items, currency: 'EUR' })).toEqual([{ field: 'items', message }]);
  });

  it.each([null, [], 'order', 42])('refuses a body that is not an object: %p', (input) => {
    expect(violationsOf(input)).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });
});

describe('orderTotal', () => {
  it('sums quantity × unitPrice exactly, up to the largest total the limits allow (5 × 10^13)', () => {
    const items = Array.from({ length: 50 }, () => ({ sku: 'A', quantity: 1_000, unitPrice: 1_000_000_000 }));

    expect(orderTotal(items)).toBe(50_000_000_000_000);
    expect(orderTotal(items)).toBe(LARGEST_ORDER_TOTAL);
    expect(Number.isSafeInteger(LARGEST_ORDER_TOTAL)).toBe(true);
  });

  it('throws rather than return a rounded total beyond Number.MAX_SAFE_INTEGER', () => {
    expect(() => orderTotal([{ sku: 'A', quantity: 10_000_000, unitPrice: 1_000_000_000 }])).toThrow(RangeError);
  });
});

describe('publicOrder', () => {
  it("keeps exactly the contract's fields, never the version or storage attributes", () => {
    // Arrange
    const stored = {
      id: 'o',
      userId: 'u',
      items: [{ sku: 'A', quantity: 1, unitPrice: 1, GSI1PK: 'x' }],
      currency: 'EUR',
      total: 1,
      status: 'pending',
      createdAt: 't',
      updatedAt: 't',
      version: 3,
      PK: 'ORDER#o',
    } as unknown as StoredOrder;

    // Act
    const order = publicOrder(stored);

    // Assert
    expect(order).toEqual({
      id: 'o',
      userId: 'u',
      items: [{ sku: 'A', quantity: 1, unitPrice: 1 }],
      currency: 'EUR',
      total: 1,
      status: 'pending',
      createdAt: 't',
      updatedAt: 't',
    });
  });
});
