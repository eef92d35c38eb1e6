import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  functionEnvironment,
  isObject,
  loadTemplate,
  objectAt,
  parseTemplate,
  PROJECT_ROOT,
  resolveIntrinsics,
  resourcesOfType,
  TEST_STACK,
  withGlobals,
  type JsonObject,
  type StackContext,
} from './cloudformation';
import { parseParameterOverrides, readSamConfig, samLocalDefinitionBody, samLocalRoutes } from './sam-local';

/**
 * `sam local start-api` as the README runs it (samconfig.toml's defaults), with and without the JWT authorizer
 * parameters. The SAM CLI needs Docker and cannot run here, so these tests read the template the way its local
 * provider does (tests/contract/sam-local.ts) and run the real SAM translator and cfn-lint over it.
 */

const run = promisify(execFile);
const template = loadTemplate();
const [functionId = ''] = resourcesOfType(template, 'AWS::Serverless::Function').map(([id]) => id);
const [layerId = ''] = resourcesOfType(template, 'AWS::Serverless::LayerVersion').map(([id]) => id);
const [apiId = ''] = resourcesOfType(template, 'AWS::Serverless::HttpApi').map(([id]) => id);
const samConfig = readSamConfig();
const localStartApi = samConfig['default.local_start_api.parameters'] ?? {};
const localOverrides = parseParameterOverrides(String(localStartApi['parameter_overrides'] ?? ''));
const AUTHORIZER = {
  JwtAuthorizerIssuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI',
  JwtAuthorizerAudience: 'client-id-123',
};
const stackWith = (parameters: Record<string, string>): StackContext => ({
  ...TEST_STACK,
  parameters: { EmailFrom: 'no-reply@example.com', ...localOverrides, ...parameters },
});

const parameterSets: [string, Record<string, string>][] = [
  ['without the authorizer parameters', {}],
  ['with the authorizer parameters', AUTHORIZER],
];

describe('sam local start-api reading template.yaml', () => {
  it.each(parameterSets)(
    'resolves the HTTP API definition %s (no intrinsic SAM local leaves unresolved)',
    (_name, parameters) => {
      const body = samLocalDefinitionBody(template, apiId, stackWith(parameters));

      expect(isObject(body['paths'])).toBe(true);
      expect(isObject(objectAt(body, 'components')['securitySchemes'])).toBe(true);
    },
  );

  it('would refuse a definition that falls back to AWS::NoValue (the check can fail)', () => {
    const broken = parseTemplate(
      [
        'Parameters: {Issuer: {Type: String, Default: ""}}',
        'Conditions: {HasIssuer: !Not [!Equals [!Ref Issuer, ""]]}',
        'Resources:',
        '  Api:',
        '    Type: AWS::Serverless::HttpApi',
        '    Properties:',
        '      DefinitionBody:',
        '        paths: {}',
        '        components: {securitySchemes: !If [HasIssuer, {Jwt: {type: oauth2}}, !Ref AWS::NoValue]}',
      ].join('\n'),
    );

    expect(() => samLocalDefinitionBody(broken, 'Api', TEST_STACK)).toThrow(
      /Ref AWS::NoValue is not resolved by SAM local/,
    );
  });

  it.each(parameterSets)('routes HEAD on every path of the function %s (no GET-only route)', (_name, parameters) => {
    const routes = samLocalRoutes(template, functionId, stackWith(parameters));

    expect(routes.map((route) => route.path)).toEqual(expect.arrayContaining(['/', '/{proxy+}', '/health']));
    expect(routes.filter((route) => !route.methods.includes('HEAD'))).toEqual([]);
  });

  it('starts with the authorizer disabled (SAM local has no JWT authorizers) and the local stand-ins of sam-local-env.json', () => {
    const envVarsFile = String(localStartApi['env_vars']);

    expect(localStartApi).toMatchObject({ disable_authorizer: true, env_vars: expect.any(String) });
    expect(existsSync(join(PROJECT_ROOT, envVarsFile))).toBe(true);
  });

  it('sets the local log level through the LogLevel parameter, which drives both LOG_LEVEL and ApplicationLogLevel', () => {
    // Powertools obeys AWS_LAMBDA_LOG_LEVEL (Lambda's ApplicationLogLevel, which SAM local passes on) over
    // LOG_LEVEL and warns when they differ, so a LOG_LEVEL in the env-vars file alone has no effect.
    const envVars = JSON.parse(readFileSync(join(PROJECT_ROOT, String(localStartApi['env_vars'])), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const logLevel = objectAt(template, 'Parameters', 'LogLevel');
    const stack = stackWith({});
    const logging = objectAt(withGlobals(template, functionId), 'LoggingConfig');

    expect(Object.values(envVars).filter((variables) => 'LOG_LEVEL' in variables)).toEqual([]);
    expect(logLevel['AllowedValues']).toContain(localOverrides['LogLevel']);
    expect(logging['ApplicationLogLevel']).toEqual({ Ref: 'LogLevel' });
    expect(functionEnvironment(template, functionId, stack)['LOG_LEVEL']).toBe(localOverrides['LogLevel']);
  });

  it('declares every variable src/config.ts reads, so `--env-vars` can set it (SAM local passes only declared ones)', () => {
    const configSource = readFileSync(join(PROJECT_ROOT, 'src/config.ts'), 'utf8');
    const read = [...configSource.matchAll(/read\.\w+\('([A-Z0-9_]+)'/g)].map((match) => match[1] ?? '');
    // Set by the Lambda runtime, or meaningful only to the local server (`npm start`).
    const notForTheTemplate = new Set(['AWS_REGION', 'HOST', 'PORT', 'DATA_DIR']);
    const declared = Object.keys(objectAt(withGlobals(template, functionId), 'Environment', 'Variables'));

    expect(read.length).toBeGreaterThan(10);
    expect([...new Set(read)].filter((name) => !notForTheTemplate.has(name) && !declared.includes(name))).toEqual([]);
  });

  it('builds the layer for arm64, the architecture it declares and the function runs on', () => {
    const layer = objectAt(template, 'Resources', layerId);

    expect(objectAt(layer, 'Metadata')['BuildArchitecture']).toBe('arm64');
    expect(objectAt(layer, 'Properties')['CompatibleArchitectures']).toEqual(
      withGlobals(template, functionId)['Architectures'],
    );
  });
});

// The AWS tools these tests run: cfn-lint on the PATH, and the SAM translator (which cfn-lint brings) importable
// by python3. Where they are missing the tests FAIL and say how to install them: a skipped contract test would
// count as passing, and CI has both.
const AWS_TOOLS_MISSING =
  'needs cfn-lint on the PATH and the SAM translator it brings importable by python3; install them with `pip install cfn-lint`';

function awsToolsProblem(): string | undefined {
  try {
    execFileSync('cfn-lint', ['--version'], { stdio: 'ignore' });
    execFileSync('python3', ['-c', 'import cfnlint, samtranslator'], { stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return `${AWS_TOOLS_MISSING} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}
const awsToolsMissing = awsToolsProblem();

/** Fails the calling test with the install hint when the AWS tools are missing. */
function requireAwsTools(): void {
  if (awsToolsMissing !== undefined) throw new Error(awsToolsMissing);
}

describe('template.yaml under the AWS tools', () => {
  it.each(parameterSets)(
    'transforms with the SAM translator %s, with the JWT authorizer only when an issuer is given',
    async (_name, parameters) => {
      requireAwsTools();
      const { stdout } = await run('python3', [
        join(__dirname, 'sam-translate.py'),
        join(PROJECT_ROOT, 'template.yaml'),
        JSON.stringify(stackWith(parameters).parameters),
      ]);
      const transformed = JSON.parse(stdout) as JsonObject;
      const body = objectAt(transformed, 'Resources', apiId, 'Properties', 'Body');

      const securitySchemes = objectAt(
        resolveIntrinsics(transformed, body, stackWith(parameters)),
        'components',
        'securitySchemes',
      );

      expect(transformed['errors']).toBeUndefined();
      expect(objectAt(body, 'paths', '/health')).toHaveProperty('x-amazon-apigateway-any-method');
      expect(Object.keys(securitySchemes)).toEqual('JwtAuthorizerIssuer' in parameters ? ['CognitoJwt'] : []);
    },
    60_000,
  );

  it('passes cfn-lint', async () => {
    requireAwsTools();
    const result = await run('cfn-lint', [join(PROJECT_ROOT, 'template.yaml')]).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string }) => ({ code: error.code ?? 1, output: error.stdout ?? '' }),
    );

    expect(result).toEqual({ code: 0, output: '' });
  }, 60_000);
});
