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

/**
 * Every option a factory takes, as a record (`{ limit: true, … }`), so that the compiler fails when an
 * option is added to the interface and not here.
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Checks that `value` is an options object whose every key the factory knows. A misspelt option
 * (`clockTolerance` for `clockToleranceSeconds`) would otherwise be ignored and its default silently kept,
 * so it throws, naming the closest known option.
 */
export function assertOptionsObject<T>(factory: string, value: unknown, known: OptionKeys<T>): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${factory}: expected an options object, got ${describe(value)}`);
  }
  const knownKeys = Object.keys(known);
  for (const key of Object.keys(value)) {
    if (knownKeys.includes(key)) continue;
    const suggestion = closest(key, knownKeys);
    throw new TypeError(
      `${factory}: unknown option "${key}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}; ` +
        `the options are ${knownKeys.map((name) => `"${name}"`).join(', ')}`,
    );
  }
}

/** The known name `typed` most likely meant: a prefix or extension of it, or within a few edits; or none. */
function closest(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    const related = candidate.startsWith(lower) || lower.startsWith(candidate);
    const distance = related ? 0 : editDistance(lower, candidate);
    if (!related && distance > Math.max(2, Math.floor(candidate.length / 3))) continue;
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
