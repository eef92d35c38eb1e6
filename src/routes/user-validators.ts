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

export const registerRules: ValidationChain[] = [
  body('email').isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(emailViolation)),
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

export const userIdRules: ValidationChain[] = [param('id').isUUID().withMessage('must be a user id (a UUID)')];

export const updateUserRules: ValidationChain[] = [
  ...userIdRules,
  body('name').optional().isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(nameViolation)),
  body('email').optional().isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(emailViolation)),
  body('password').optional().isString().withMessage(MUST_BE_A_STRING).bail().custom(rule(passwordPolicyViolation)),
  body('currentPassword')
    .optional()
    .isString()
    .withMessage(MUST_BE_A_STRING)
    .bail()
    .isLength({ min: 1, max: MAX_SUBMITTED_PASSWORD_LENGTH })
    .withMessage(`must be 1 to ${MAX_SUBMITTED_PASSWORD_LENGTH} characters long`),
  body('role')
    .optional()
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
