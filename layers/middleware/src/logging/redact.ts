/**
 * What replaces a redacted value in the log.
 *
 * @example
 * ```ts
 * expect(JSON.parse(line).headers.authorization).toBe(REDACTED);
 * ```
 */
export const REDACTED = '[REDACTED]';

// Credentials that must never reach a log, whatever object they are nested in: request headers that carry
// them, and any field whose name says it holds a password or a secret (`password`, `newPassword`, ...).
const SECRET_KEYS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
const SECRET_KEY_PATTERN = /passw(or)?d|secret/i;

/**
 * Whether a log attribute named `key` holds a credential.
 *
 * @example
 * ```ts
 * isSecretKey('Authorization'); // true
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase()) || SECRET_KEY_PATTERN.test(key);
}

/**
 * A `JSON.stringify` replacer that redacts credentials at any depth; the logger applies it to every entry.
 *
 * @example
 * ```ts
 * JSON.stringify({ headers: { authorization: 'Bearer x' } }, redactSecrets);
 * // → {"headers":{"authorization":"[REDACTED]"}}
 * ```
 */
export function redactSecrets(key: string, value: unknown): unknown {
  return key !== '' && value !== undefined && isSecretKey(key) ? REDACTED : value;
}
