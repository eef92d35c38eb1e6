import { body, param, query, type ValidationChain } from '@lambdalith/middleware';
import { MAX_CURSOR_LENGTH } from '../domain/pagination-cursor';
import { passwordPolicyViolation } from '../domain/password-policy';
import { EMAIL_MAX_LENGTH, emailViolation, nameViolation, ROLES } from '../domain/user';
import { USER_PAGE_MAX_SIZE } from '../domain/user-service';

/**
 * express-validator chains for the users and auth routes. The rules themselves live in the domain (so
 * `create-admin` and the service apply the same ones); these chains only report them per field.
 */

// Bounds what a login may make us hash: no real password is longer (the policy caps it at 256 characters).
const MAX_SUBMITTED_PASSWORD_LENGTH = 1_024;

function rule(violation: (value: string) => string | undefined): (value: unknown) => true {
  return (value) => {
    const problem = typeof value === 'string' ? violation(value) : 'must be a string';
    if (problem !== undefined) throw new Error(problem);
    return true;
  };
}

const MUST_BE_A_STRING = 'must be a string';

/**
 * Address syntax per validator.js's isEmail (the validator express-validator ships): a bare address, no
 * display name (`Ada <ada@example.com>`), no quoted local part (`"<script>"@x.test`, which could carry
 * any character), a real domain with a TLD (no IP literals). Surrounding whitespace is trimmed first, as
 * the domain's canonical form does.
 */
const ADDRESS_SYNTAX = {
  allow_display_name: false,
  require_display_name: false,
  allow_utf8_local_part: true,
  require_tld: true,
  allow_ip_domain: false,
  ignore_max_length: false,
  blacklisted_chars: '"',
};

function emailField(chain: ValidationChain): ValidationChain {
  return chain
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .trim()
    .custom(rule(emailViolation))
    .bail()
    .isEmail(ADDRESS_SYNTAX)
    .withMessage('must be an email address');
}

export const registerRules: ValidationChain[] = [
  emailField(body('email')),
  body('password').isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(passwordPolicyViolation)),
  body('name').isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(nameViolation)),
];

export const loginRules: ValidationChain[] = [
  body('email')
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .isLength({ min: 1, max: EMAIL_MAX_LENGTH })
    .withMessage(`must be 1 to ${EMAIL_MAX_LENGTH} characters long`),
  body('password')
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .isLength({ min: 1, max: MAX_SUBMITTED_PASSWORD_LENGTH })
    .withMessage(`must be 1 to ${MAX_SUBMITTED_PASSWORD_LENGTH} characters long`),
];

// UUIDs are case-insensitive (RFC 9562 §4); ours are stored lowercase, so an id in capitals names the same user.
export const userIdRules: ValidationChain[] = [
  param('id').isUUID().withMessage('must be a user id (a UUID)').bail().toLowerCase(),
];

export const updateUserRules: ValidationChain[] = [
  ...userIdRules,
  body('name').optional().isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(nameViolation)),
  emailField(body('email').optional()),
  body('password').optional().isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(passwordPolicyViolation)),
  body('currentPassword')
    .optional()
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .isLength({ min: 1, max: MAX_SUBMITTED_PASSWORD_LENGTH })
    .withMessage(`must be 1 to ${MAX_SUBMITTED_PASSWORD_LENGTH} characters long`),
  // isIn alone checks each element of an array (["user"] would pass and be stored as a list): a string first.
  body('role')
    .optional()
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .isIn(ROLES)
    .withMessage(`must be one of ${ROLES.join(', ')}`),
];

export const listUsersRules: ValidationChain[] = [
  query('limit')
    .optional()
    .isInt({ min: 1, max: USER_PAGE_MAX_SIZE })
    .withMessage(`must be an integer from 1 to ${USER_PAGE_MAX_SIZE}`)
    .toInt(),
  query('cursor')
    .optional()
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .isLength({ min: 1, max: MAX_CURSOR_LENGTH })
    .withMessage('is not a cursor'),
];
