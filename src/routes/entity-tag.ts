import type { VersionPrecondition } from '../domain/user-service';

// Strong, quoted, derived from the version only: equal tags mean the same stored version of the same
// user (each user has its own URL, so versions never need to be unique across users).
const TAG = /^"v([1-9]\d{0,14})"$/;

/** The `ETag` of a user version. */
export function entityTag(version: number): string {
  return `"v${version}"`;
}

/**
 * Reads `If-Match` (RFC 9110 §13.1.1). `If-Match` uses the strong comparison, so weak tags (`W/"…"`) and
 * tags that are not ours match nothing, which the service answers with 412.
 */
export function parseIfMatch(header: string | undefined): VersionPrecondition {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  if (header.trim() === '*') return { kind: 'any' };
  const versions: number[] = [];
  for (const candidate of header.split(',')) {
    const match = TAG.exec(candidate.trim());
    if (match?.[1] !== undefined) versions.push(Number(match[1]));
  }
  return { kind: 'versions', versions };
}
