import {
  isObject,
  resolveIntrinsics,
  withGlobals,
  type Json,
  type JsonObject,
  type StackContext,
} from './cloudformation';

/** One IAM policy statement, intrinsics resolved. */
export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/**
 * The SAM policy templates the template uses, expanded as SAM expands them (samtranslator's
 * policy_templates.json; checked against the output of aws-sam-translator 1.110). A template not listed
 * here fails the test, so a new one gets added deliberately.
 */
const SAM_POLICY_TEMPLATES: Record<string, (parameters: JsonObject, stack: StackContext) => Statement[]> = {
  DynamoDBCrudPolicy: ({ TableName }, { region, accountId }) => [
    {
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:BatchGetItem',
        'dynamodb:DescribeTable',
        'dynamodb:ConditionCheckItem',
      ],
      Resource: [
        `arn:aws:dynamodb:${region}:${accountId}:table/${String(TableName)}`,
        `arn:aws:dynamodb:${region}:${accountId}:table/${String(TableName)}/index/*`,
      ],
    },
  ],
  AWSSecretsManagerGetSecretValuePolicy: ({ SecretArn }) => [
    { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [String(SecretArn)] },
  ],
};

const asList = (value: Json | undefined): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

/** The statements of a function's `Policies`, with SAM policy templates expanded and intrinsics resolved. */
export function functionPolicyStatements(template: JsonObject, logicalId: string, stack: StackContext): Statement[] {
  const policies = resolveIntrinsics(template, withGlobals(template, logicalId)['Policies'] ?? [], stack);
  if (!Array.isArray(policies)) throw new Error(`${logicalId}.Policies is not a list`);
  return policies.flatMap((policy): Statement[] => {
    if (!isObject(policy))
      throw new Error(
        `managed policy ${String(policy)}: the test cannot see inside it; use a policy template or a statement`,
      );
    if (Array.isArray(policy['Statement'])) {
      return policy['Statement'].filter(isObject).map((statement) => ({
        Effect: statement['Effect'] === 'Deny' ? 'Deny' : 'Allow',
        Action: asList(statement['Action']),
        Resource: asList(statement['Resource']),
        ...(isObject(statement['Condition']) ? { Condition: statement['Condition'] as Statement['Condition'] } : {}),
      }));
    }
    const [name, parameters] = Object.entries(policy)[0] ?? [];
    const expand = name === undefined ? undefined : SAM_POLICY_TEMPLATES[name];
    if (expand === undefined || !isObject(parameters ?? null))
      throw new Error(`unknown policy template ${String(name)}: add it to tests/contract/iam.ts`);
    return expand(parameters as JsonObject, stack);
  });
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. Actions compare case-insensitively. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function conditionsHold(statement: Statement, context: Readonly<Record<string, string>>): boolean {
  for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = context[key];
      const candidates = typeof expected === 'string' ? [expected] : expected;
      if (actual === undefined) return false;
      if (operator === 'StringEquals' && !candidates.includes(actual)) return false;
      if (operator === 'StringLike' && !candidates.some((candidate) => matches(candidate, actual))) return false;
      if (operator !== 'StringEquals' && operator !== 'StringLike') return false; // unknown here: never assume it holds
    }
  }
  return true;
}

/** Whether the statements allow `action` on `resource` with the request's condition keys (an explicit Deny wins). */
export function isAllowed(
  statements: readonly Statement[],
  action: string,
  resource: string,
  context: Readonly<Record<string, string>> = {},
): boolean {
  const applies = (statement: Statement): boolean =>
    statement.Action.some((pattern) => matches(pattern, action, true)) &&
    statement.Resource.some((pattern) => matches(pattern, resource)) &&
    conditionsHold(statement, context);
  const relevant = statements.filter(applies);
  return (
    relevant.some((statement) => statement.Effect === 'Allow') &&
    !relevant.some((statement) => statement.Effect === 'Deny')
  );
}
