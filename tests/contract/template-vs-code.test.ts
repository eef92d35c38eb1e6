import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { ConfigError, loadConfig, type Config } from '../../src/config';
import { tableDefinition } from '../../src/data/table-definition';
import { samBuild, type BuiltArtifacts } from '../../scripts/lambda/sam-build';
import {
  functionEnvironment,
  templateFunctionRuntimeVariables,
  loadTemplate,
  physicalId,
  PROJECT_ROOT,
  resourcesOfType,
  TEST_STACK,
  withGlobals,
  type StackContext,
} from './cloudformation';
import { functionPolicyStatements, isAllowed } from './iam';

/**
 * template.yaml against the code it deploys: the handler it names exists in the built bundle, the environment
 * it sets satisfies src/config.ts in Lambda, and its policies allow every AWS call the bundled code makes, on
 * the stack's own resources only.
 */

const run = promisify(execFile);
const template = loadTemplate();
const EMAIL_FROM = 'no-reply@example.com';
const stack: StackContext = { ...TEST_STACK, parameters: { EmailFrom: EMAIL_FROM } };
const [[functionId] = ['']] = resourcesOfType(template, 'AWS::Serverless::Function');
const functionProperties = withGlobals(template, functionId);
const silentIo = { stdoutIsTty: false };

let dir: string;
let artifacts: BuiltArtifacts;

/** What the function's process sees in Lambda: the runtime's variables plus the template's. */
function lambdaEnvironment(): Record<string, string> {
  return {
    ...templateFunctionRuntimeVariables(
      template,
      functionId,
      { taskRoot: artifacts.task, optRoot: artifacts.opt },
      stack,
    ),
    ...functionEnvironment(template, functionId, stack),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambdalith-contract-'));
  artifacts = await samBuild(template, dir, { METAFILE: join(dir, 'function.meta.json') });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the handler the template names', () => {
  it('is an exported function of the built bundle, loaded with the layer as Lambda loads it', async () => {
    // Arrange
    const [moduleName = '', exportName = ''] = String(functionProperties['Handler']).split('.');
    // The Node.js runtime's lookup: <module>.js, .mjs or .cjs, loaded with import().
    const probe = [
      "import { existsSync } from 'node:fs'; import { pathToFileURL } from 'node:url';",
      "const file = ['.js', '.mjs', '.cjs'].map((extension) => process.argv[1] + extension).find((candidate) => existsSync(candidate));",
      'const loaded = file === undefined ? {} : await import(pathToFileURL(file).href);',
      'process.stdout.write(typeof loaded[process.argv[2]]); process.exit(0);',
    ].join(' ');
    // A Secrets Manager that refuses at once, so the cold start's secret read cannot reach AWS.
    const env = { ...lambdaEnvironment(), AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9' };

    // Act
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', probe, join(artifacts.task, moduleName), exportName],
      { cwd: dir, env },
    );

    // Assert
    expect(stdout).toBe('function');
  });
});

describe('the environment the template sets', () => {
  const reserved = [
    '_HANDLER',
    '_X_AMZN_TRACE_ID',
    'AWS_DEFAULT_REGION',
    'AWS_REGION',
    'AWS_EXECUTION_ENV',
    'AWS_LAMBDA_FUNCTION_NAME',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
    'AWS_LAMBDA_FUNCTION_VERSION',
    'AWS_LAMBDA_INITIALIZATION_TYPE',
    'AWS_LAMBDA_LOG_GROUP_NAME',
    'AWS_LAMBDA_LOG_STREAM_NAME',
    'AWS_ACCESS_KEY',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_LAMBDA_RUNTIME_API',
    'LAMBDA_TASK_ROOT',
    'LAMBDA_RUNTIME_DIR',
  ];

  it('satisfies src/config.ts in Lambda: the table, the sender and the secret ARN come from the stack', () => {
    const config: Config = loadConfig(lambdaEnvironment(), silentIo);

    expect(config).toMatchObject({
      runtime: 'lambda',
      dynamodb: { tableName: physicalId(template, 'Table', stack), endpoint: undefined },
      email: { from: EMAIL_FROM },
      auth: { jwtSecret: { kind: 'secrets-manager', secretId: physicalId(template, 'JwtSecret', stack) } },
      log: { format: 'json' },
      metrics: { enabled: true },
    });
  });

  it('holds every variable config.ts requires in Lambda: without any one of them, config names it', () => {
    // Arrange
    const full = lambdaEnvironment();
    const templateVariables = Object.keys(functionEnvironment(template, functionId, stack));

    // Act: drop each template variable in turn and see whether config still loads.
    const required = templateVariables.filter((name) => {
      const { [name]: _dropped, ...without } = full;
      try {
        loadConfig(without, silentIo);
        return false;
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.join('\n')).toContain(name);
        return true;
      }
    });

    // Assert
    expect(required.sort()).toEqual(['EMAIL_FROM', 'JWT_SECRET_ARN', 'TABLE_NAME']);
  });

  it("lets sam-local-env.json replace the stack's resources under `sam local start-api`, naming only declared variables", () => {
    // SAM local passes a function only the variables its template declares; an override of any other is dropped.
    const overrides =
      (
        JSON.parse(readFileSync(join(PROJECT_ROOT, 'sam-local-env.json'), 'utf8')) as Record<
          string,
          Record<string, string>
        >
      )[functionId] ?? {};
    const declared = Object.keys(functionEnvironment(template, functionId, stack));

    // SAM CLI's local invoke adds AWS_SAM_LOCAL=true to the function's environment.
    const config = loadConfig({ ...lambdaEnvironment(), AWS_SAM_LOCAL: 'true', ...overrides }, silentIo);

    expect(Object.keys(overrides).filter((name) => !declared.includes(name))).toEqual([]);
    expect(config).toMatchObject({
      dynamodb: { endpoint: overrides['DYNAMODB_ENDPOINT'], tableName: overrides['TABLE_NAME'] },
      auth: { jwtSecret: { kind: 'value', value: overrides['JWT_SECRET'] } },
    });
  });

  it('sets none of the variables Lambda reserves for itself (CloudFormation would refuse the function)', () => {
    expect(
      Object.keys(functionEnvironment(template, functionId, stack)).filter((name) => reserved.includes(name)),
    ).toEqual([]);
  });
});

describe("the function's permissions", () => {
  const statements = functionPolicyStatements(template, functionId, stack);
  const arn = (service: string, resource: string): string =>
    `arn:aws:${service}:${stack.region}:${stack.accountId}:${resource}`;
  const tableArn = arn('dynamodb', `table/${physicalId(template, 'Table', stack)}`);
  const indexArns = tableDefinition.globalSecondaryIndexes.map((index) => `${tableArn}/index/${index.IndexName}`);
  const secretArn = physicalId(template, 'JwtSecret', stack);

  // What each SDK command the code sends needs from IAM. lib-dynamodb's document-client commands map onto
  // the DynamoDB actions underneath them; a transaction needs the action of each item it touches.
  const DOCUMENT_CLIENT_ACTIONS: Record<string, string[]> = {
    GetCommand: ['GetItem'],
    PutCommand: ['PutItem'],
    UpdateCommand: ['UpdateItem'],
    DeleteCommand: ['DeleteItem'],
    QueryCommand: ['Query'],
    ScanCommand: ['Scan'],
    BatchGetCommand: ['BatchGetItem'],
    BatchWriteCommand: ['BatchWriteItem'],
    TransactGetCommand: ['GetItem'],
    TransactWriteCommand: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
  };

  /**
   * Every (action, resource, condition keys) the bundled code can ask for, from the SDK commands its sources import.
   */
  function callsOfTheBundle(): { action: string; resource: string; context?: Record<string, string> }[] {
    const metafile = JSON.parse(readFileSync(join(dir, 'function.meta.json'), 'utf8')) as Metafile;
    const sources = Object.keys(metafile.inputs).filter((input) => input.startsWith('src/'));
    const calls: { action: string; resource: string; context?: Record<string, string> }[] = [];
    for (const source of sources) {
      const text = readFileSync(join(PROJECT_ROOT, source), 'utf8');
      // Static imports, and the lazy `const { …Command } = await import('@aws-sdk/…')` of a client loaded on first use.
      const imports = text.matchAll(
        /(?:import\s*\{([^}]*)\}\s*from\s*|const\s*\{([^}]*)\}\s*=\s*await\s+import\()'(@aws-sdk\/[^']+)'/g,
      );
      for (const [, staticNames, lazyNames, packageName = ''] of imports) {
        const names = staticNames ?? lazyNames ?? '';
        const commands = names
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name.endsWith('Command') && !name.startsWith('type '));
        for (const command of commands) {
          const operation = command.replace(/Command$/, '');
          if (packageName === '@aws-sdk/lib-dynamodb' || packageName === '@aws-sdk/client-dynamodb') {
            const actions = packageName === '@aws-sdk/lib-dynamodb' ? DOCUMENT_CLIENT_ACTIONS[command] : [operation];
            if (actions === undefined)
              throw new Error(`${source}: map ${command} to its DynamoDB actions in this test`);
            for (const action of actions) {
              calls.push({ action: `dynamodb:${action}`, resource: tableArn });
              if (action === 'Query' || action === 'Scan')
                for (const index of indexArns) calls.push({ action: `dynamodb:${action}`, resource: index });
            }
          } else if (packageName === '@aws-sdk/client-secrets-manager') {
            calls.push({ action: `secretsmanager:${operation}`, resource: secretArn });
          } else if (packageName === '@aws-sdk/client-sesv2') {
            calls.push({
              action: `ses:${operation}`,
              resource: arn('ses', `identity/${EMAIL_FROM}`),
              context: { 'ses:FromAddress': EMAIL_FROM },
            });
          } else {
            throw new Error(`${source} sends ${command} from ${packageName}: say in this test what it needs from IAM`);
          }
        }
      }
    }
    return calls;
  }

  it('allow every AWS call the bundled code makes, on the table, its indexes, the secret and the sender identity', () => {
    // Arrange
    const calls = callsOfTheBundle();

    // Act
    const denied = calls.filter(({ action, resource, context }) => !isAllowed(statements, action, resource, context));

    // Assert: the calls were found (the derivation works), and none is denied.
    expect(calls.map((call) => call.action)).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:DescribeTable',
        'secretsmanager:GetSecretValue',
        'ses:SendEmail',
      ]),
    );
    expect(denied).toEqual([]);
  });

  it("allow nothing beyond the stack's own resources: no table administration, no other table, secret or sender", () => {
    expect(isAllowed(statements, 'dynamodb:DeleteTable', tableArn)).toBe(false);
    expect(isAllowed(statements, 'dynamodb:UpdateTable', tableArn)).toBe(false);
    expect(isAllowed(statements, 'dynamodb:GetItem', arn('dynamodb', 'table/someone-elses-table'))).toBe(false);
    expect(
      isAllowed(statements, 'secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:another-secret-AbCdEf')),
    ).toBe(false);
    expect(
      isAllowed(statements, 'ses:SendEmail', arn('ses', 'identity/example.com'), {
        'ses:FromAddress': 'ceo@example.com',
      }),
    ).toBe(false);
    expect(isAllowed(statements, 'ses:VerifyEmailIdentity', arn('ses', `identity/${EMAIL_FROM}`))).toBe(false);
  });
});
