import { BadRequestError } from '@lambdalith/middleware';
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
 * tags that are not ours match nothing, which the service answers with 412. Exactly one tag is accepted:
 * a list of every version would match whatever the current one is, which is the `*` the service refuses.
 * (Tags are quoted and ours never contain a comma, so a comma always separates two; repeated headers
 * arrive comma-joined on every host.)
 */
export function parseIfMatch(header: string | undefined): VersionPrecondition {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  if (header.trim() === '*') return { kind: 'any' };
  if (header.includes(',')) {
    throw new BadRequestError('If-Match must name exactly one ETag, the one of the version you read', {
      code: 'INVALID_IF_MATCH',
    });
  }
  const match = TAG.exec(header.trim());
  return { kind: 'versions', versions: match?.[1] === undefined ? [] : [Number(match[1])] };
}
