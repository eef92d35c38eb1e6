/**
 * Option checks shared by the middleware factories. They run once, when a factory is called at startup, and
 * throw a `TypeError` whose message names the factory, the option, what it must be and what it got, so a
 * wiring mistake fails the cold start with a message that says what to fix.
 */

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws the standard option error. */
export function invalidOption(factory: string, option: string, expected: string, actual: unknown): never {
  throw new TypeError(`${factory}: "${option}" must be ${expected}, got ${describe(actual)}`);
}

export function assertNonEmptyString(factory: string, option: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') invalidOption(factory, option, 'a non-empty string', value);
}

export function assertIntegerInRange(
  factory: string,
  option: string,
  value: unknown,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidOption(factory, option, `an integer from ${min} to ${max}`, value);
  }
}

export function assertFunction(
  factory: string,
  option: string,
  value: unknown,
): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') invalidOption(factory, option, 'a function', value);
}

export function assertOptionsObject(factory: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${factory}: expected an options object, got ${describe(value)}`);
  }
}
