import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { tableDefinition, createTableInput } from '../../src/data/table-definition';
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
  type Json,
  type JsonObject,
  type StackContext,
} from './cloudformation';

/**
 * template.yaml against the AWS SAM schema and against what the code and the issue require of it. What the
 * deployed function does with it (env, permissions, the bundle) is template-vs-code.test.ts.
 */

const template = loadTemplate();
const withParameters = (parameters: Record<string, string>): StackContext => ({
  ...TEST_STACK,
  parameters: { EmailFrom: 'no-reply@example.com', ...parameters },
});
const stack = withParameters({});
const resolve = (value: Json, context: StackContext = stack): Json => resolveIntrinsics(template, value, context);
const resource = (logicalId: string): JsonObject => objectAt(template, 'Resources', logicalId);
const properties = (logicalId: string): JsonObject => objectAt(resource(logicalId), 'Properties');
const onlyResourceOfType = (type: string): [string, JsonObject] => {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, JsonObject];
};

const [functionId] = onlyResourceOfType('AWS::Serverless::Function');
const [layerId] = onlyResourceOfType('AWS::Serverless::LayerVersion');
const [apiId] = onlyResourceOfType('AWS::Serverless::HttpApi');
const [tableId, table] = onlyResourceOfType('AWS::DynamoDB::Table');
const [secretId] = onlyResourceOfType('AWS::SecretsManager::Secret');
const functionProperties = withGlobals(template, functionId);

describe('template.yaml as AWS SAM reads it', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'tests/fixtures/sam.schema.json'), 'utf8')) as object,
  );

  it('parses with the CloudFormation short-form tags and is valid against the SAM schema', () => {
    const valid = validate(template);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('would reject a template with a misspelt function property (the schema check can fail)', () => {
    const broken = structuredClone(template);
    const brokenFunction = objectAt(broken, 'Resources', functionId, 'Properties');
    brokenFunction['Handlr'] = brokenFunction['Handler'] ?? null;

    expect(validate(broken)).toBe(false);
  });

  it('turns every short-form tag into its long form', () => {
    const parsed = parseTemplate(
      'A: !Ref X\nB: !GetAtt Y.Arn\nC: !Sub "${X}"\nD: !If [C, 1, !Ref AWS::NoValue]\nE: !Select [0, !Split [",", "a,b"]]',
    );

    expect(parsed).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['Y', 'Arn'] },
      C: { 'Fn::Sub': '${X}' },
      D: { 'Fn::If': ['C', 1, { Ref: 'AWS::NoValue' }] },
      E: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
    });
  });
});

describe('Globals and the function', () => {
  it("run Node.js on arm64 with explicit memory, a timeout under API Gateway's 30 s, active tracing and JSON logs", () => {
    const logging = objectAt(functionProperties, 'LoggingConfig');

    expect(functionProperties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Tracing: 'Active' });
    expect(functionProperties['MemorySize']).toEqual(expect.any(Number));
    expect(functionProperties['Timeout']).toBeLessThan(30);
    expect(logging).toMatchObject({ LogFormat: 'JSON' });
    // Lambda filters application logs at this level, so it must agree with the app's own LOG_LEVEL.
    expect(resolve(logging['ApplicationLogLevel'] ?? null)).toBe(
      functionEnvironment(template, functionId, stack)['LOG_LEVEL'],
    );
  });

  it('logs to an explicit log group with a retention period', () => {
    const logGroup = resolve(objectAt(functionProperties, 'LoggingConfig')['LogGroup'] ?? null);
    const [, group] =
      resourcesOfType(template, 'AWS::Logs::LogGroup').find(([id]) => logGroup === resolve({ Ref: id })) ?? [];

    expect(group).toBeDefined();
    expect(Number(resolve(objectAt(group, 'Properties')['RetentionInDays'] ?? null))).toBeGreaterThan(0);
  });

  it('is the one function of the app: index.handler, the middleware layer, ANY / and ANY /{proxy+} on the HTTP API', () => {
    const events = Object.values(objectAt(functionProperties, 'Events')).filter(isObject);
    const routes = events.map(
      (event): JsonObject => ({ type: event['Type'] ?? null, ...objectAt(event, 'Properties') }),
    );

    expect(functionProperties).toMatchObject({ Handler: 'index.handler', Layers: [{ Ref: layerId }] });
    expect(routes).toEqual(
      expect.arrayContaining([
        { type: 'HttpApi', ApiId: { Ref: apiId }, Path: '/', Method: 'ANY' },
        { type: 'HttpApi', ApiId: { Ref: apiId }, Path: '/{proxy+}', Method: 'ANY' },
      ]),
    );
    expect(
      routes.filter(
        (route) => route['type'] !== 'HttpApi' || JSON.stringify(route['ApiId']) !== JSON.stringify({ Ref: apiId }),
      ),
    ).toEqual([]);
  });

  it('publishes the `live` alias and switches provisioned concurrency on it with a parameter', () => {
    const config = functionProperties['ProvisionedConcurrencyConfig'] ?? null;

    expect(functionProperties['AutoPublishAlias']).toBe('live');
    expect(resolve({ Wrap: config }, withParameters({ ProvisionedConcurrency: '0' }))).toEqual({});
    expect(resolve(config, withParameters({ ProvisionedConcurrency: '5' }))).toEqual({
      ProvisionedConcurrentExecutions: '5',
    });
  });

  it('is built by `make build-ApiFunction` from the Makefile in its CodeUri', () => {
    const makefile = readFileSync(join(PROJECT_ROOT, String(functionProperties['CodeUri']), 'Makefile'), 'utf8');

    expect(resource(functionId)['Metadata']).toEqual({ BuildMethod: 'makefile' });
    expect(makefile).toMatch(new RegExp(`^build-${functionId}:`, 'm'));
  });
});

describe('the middleware layer', () => {
  it('is built by make from layers/middleware for nodejs24.x on arm64, with an explicit retention policy', () => {
    const layer = properties(layerId);
    const makefile = readFileSync(join(PROJECT_ROOT, String(layer['ContentUri']), 'Makefile'), 'utf8');

    expect(resource(layerId)['Metadata']).toMatchObject({ BuildMethod: 'makefile' });
    expect(layer).toMatchObject({
      ContentUri: 'layers/middleware',
      CompatibleRuntimes: ['nodejs24.x'],
      CompatibleArchitectures: ['arm64'],
    });
    expect(['Retain', 'Delete']).toContain(layer['RetentionPolicy']);
    expect(makefile).toMatch(new RegExp(`^build-${layerId}:`, 'm'));
  });

  it("is compatible with the function's runtime and architecture", () => {
    const layer = properties(layerId);

    expect(layer['CompatibleRuntimes']).toContain(functionProperties['Runtime']);
    expect(layer['CompatibleArchitectures']).toEqual(functionProperties['Architectures']);
  });
});

describe('the runtime', () => {
  it('has the Node major the project pins (devDependencies.node, engines, .nvmrc, the esbuild target)', () => {
    const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
      devDependencies: { node: string };
    };
    const buildScript = readFileSync(join(PROJECT_ROOT, 'scripts/build.mts'), 'utf8');
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(String(functionProperties['Runtime']))?.[1];

    const pinned = {
      'devDependencies.node': /(\d+)/.exec(packageJson.devDependencies.node)?.[1],
      'engines.node': /(\d+)/.exec(packageJson.engines.node)?.[1],
      '.nvmrc': readFileSync(join(PROJECT_ROOT, '.nvmrc'), 'utf8').trim(),
      'esbuild targets': [...new Set([...buildScript.matchAll(/target: 'node(\d+)'/g)].map((match) => match[1]))].join(
        ',',
      ),
    };

    expect(pinned).toEqual({
      'devDependencies.node': runtimeMajor,
      'engines.node': runtimeMajor,
      '.nvmrc': runtimeMajor,
      'esbuild targets': runtimeMajor,
    });
  });
});

describe('the HTTP API', () => {
  const api = properties(apiId);
  const body = objectAt(api, 'DefinitionBody');

  it('uses the $default stage, so paths carry no stage prefix', () => {
    expect(api['StageName']).toBe('$default');
  });

  it('writes JSON access logs with the request id to a log group with a retention period', () => {
    const settings = objectAt(api, 'AccessLogSettings');
    const destination = settings['DestinationArn'];
    const groupId =
      isObject(destination) && Array.isArray(destination['Fn::GetAtt']) ? String(destination['Fn::GetAtt'][0]) : '';

    expect(resource(groupId)['Type']).toBe('AWS::Logs::LogGroup');
    expect(Number(resolve(properties(groupId)['RetentionInDays'] ?? null))).toBeGreaterThan(0);
    expect(JSON.parse(String(settings['Format']))).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it('throttles every route by default', () => {
    const throttling = resolve(objectAt(api, 'DefaultRouteSettings'));

    expect(throttling).toEqual({
      ThrottlingRateLimit: expect.stringMatching(/^[1-9]\d*$/),
      ThrottlingBurstLimit: expect.stringMatching(/^[1-9]\d*$/),
    });
  });

  it('configures no CORS anywhere, since Express owns CORS and API Gateway would override it', () => {
    const httpApis = resourcesOfType(template, 'AWS::Serverless::HttpApi').map(([, httpApi]) =>
      objectAt(httpApi, 'Properties'),
    );
    const globals = isObject(template['Globals']) ? template['Globals']['HttpApi'] : undefined;

    expect(httpApis.filter((httpApi) => 'CorsConfiguration' in httpApi)).toEqual([]);
    expect(isObject(globals) && 'CorsConfiguration' in globals).toBe(false);
    expect(JSON.stringify(body)).not.toContain('x-amazon-apigateway-cors');
  });

  it("leaves every route open to the app's own authentication when no JWT issuer is given", () => {
    const resolved = resolve(body);

    expect(objectAt(resolved, 'components')).toEqual({ securitySchemes: {} });
    for (const methods of Object.values(objectAt(resolved, 'paths'))) {
      for (const operation of Object.values(objectAt(methods))) expect(objectAt(operation)['security']).toEqual([]);
    }
    expect(functionEnvironment(template, functionId, stack)).not.toHaveProperty('JWT_JWKS_URL');
  });

  it('puts a Cognito JWT authorizer on the catch-all routes, but not on /health or CORS preflights, when an issuer is given', () => {
    const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI';
    const cognito = withParameters({ JwtAuthorizerIssuer: issuer, JwtAuthorizerAudience: 'client-id-123' });
    const resolved = resolve(body, cognito);
    const security = (path: string, method: string): Json | undefined =>
      objectAt(resolved, 'paths', path, method)['security'];

    expect(objectAt(resolved, 'components', 'securitySchemes')).toEqual({
      CognitoJwt: {
        type: 'oauth2',
        'x-amazon-apigateway-authorizer': {
          type: 'jwt',
          identitySource: '$request.header.Authorization',
          jwtConfiguration: { issuer, audience: ['client-id-123'] },
        },
      },
    });
    expect(security('/', 'x-amazon-apigateway-any-method')).toEqual([{ CognitoJwt: [] }]);
    expect(security('/{proxy+}', 'x-amazon-apigateway-any-method')).toEqual([{ CognitoJwt: [] }]);
    expect(security('/health', 'x-amazon-apigateway-any-method')).toEqual([]);
    expect(security('/{proxy+}', 'options')).toEqual([]);
    // The app verifies those tokens itself too, against the pool's keys.
    expect(functionEnvironment(template, functionId, cognito)['JWT_JWKS_URL']).toBe(`${issuer}/.well-known/jwks.json`);
  });

  it('declares no route in its OpenAPI body that no function event integrates', () => {
    const methodOf: Record<string, string> = { 'x-amazon-apigateway-any-method': 'ANY' };
    const declared = Object.entries(objectAt(body, 'paths')).flatMap(([path, methods]) =>
      Object.keys(objectAt(methods)).map((method) => `${methodOf[method] ?? method.toUpperCase()} ${path}`),
    );
    const integrated = Object.values(objectAt(functionProperties, 'Events'))
      .filter(isObject)
      .map((event) => objectAt(event, 'Properties'))
      .map((event) => `${String(event['Method']).toUpperCase()} ${String(event['Path'])}`);

    expect(integrated).toEqual(expect.arrayContaining(declared));
  });
});

describe('the table', () => {
  const tableProperties = objectAt(table, 'Properties');

  it('has the keys, attributes and indexes of src/data/table-definition.ts, billed on demand', () => {
    const expected = createTableInput('ignored');
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }): number =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));

    expect(tableProperties['BillingMode']).toBe(expected.BillingMode);
    expect(tableProperties['KeySchema']).toEqual(expected.KeySchema);
    expect([...(tableProperties['AttributeDefinitions'] as { AttributeName?: string }[])].sort(byName)).toEqual(
      [...(expected.AttributeDefinitions ?? [])].sort(byName),
    );
    expect(tableProperties['GlobalSecondaryIndexes']).toEqual(expected.GlobalSecondaryIndexes);
  });

  it('expires items through the TTL attribute the code writes', () => {
    expect(tableProperties['TimeToLiveSpecification']).toEqual({
      AttributeName: tableDefinition.timeToLiveAttribute,
      Enabled: true,
    });
  });

  it('has point-in-time recovery, deletion protection by parameter (on by default) and is retained on delete or replace', () => {
    expect(tableProperties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(resolve(tableProperties['DeletionProtectionEnabled'] ?? null)).toBe('true');
    expect(
      resolve(
        tableProperties['DeletionProtectionEnabled'] ?? null,
        withParameters({ TableDeletionProtection: 'false' }),
      ),
    ).toBe('false');
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('is the table the function is given', () => {
    expect(functionEnvironment(template, functionId, stack)['TABLE_NAME']).toBe(resolve({ Ref: tableId }));
  });
});

describe('the JWT signing secret', () => {
  it('is generated by Secrets Manager, at least 32 characters long, and never written in the template', () => {
    const secret = properties(secretId);
    const generated = objectAt(secret, 'GenerateSecretString');

    expect(secret).not.toHaveProperty('SecretString');
    expect(generated['PasswordLength']).toBeGreaterThanOrEqual(32);
    expect(generated).not.toHaveProperty('SecretStringTemplate');
  });

  it('reaches the function as an ARN only, never as a value (JWT_SECRET is declared empty, for sam local)', () => {
    const environment = functionEnvironment(template, functionId, stack);

    expect(environment['JWT_SECRET_ARN']).toBe(resolve({ Ref: secretId }));
    expect(environment['JWT_SECRET']).toBe('');
  });
});

describe('alarms and outputs', () => {
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => objectAt(alarm, 'Properties'));
  const alarmOn = (namespace: string, metric: string, dimension: string, target: string): JsonObject | undefined =>
    alarms.find(
      (alarm) =>
        alarm['Namespace'] === namespace &&
        alarm['MetricName'] === metric &&
        JSON.stringify(alarm['Dimensions']) === JSON.stringify([{ Name: dimension, Value: { Ref: target } }]),
    );

  it('alarm on function errors, function throttles and API 5xx responses', () => {
    expect(alarmOn('AWS/Lambda', 'Errors', 'FunctionName', functionId)).toBeDefined();
    expect(alarmOn('AWS/Lambda', 'Throttles', 'FunctionName', functionId)).toBeDefined();
    expect(alarmOn('AWS/ApiGateway', '5xx', 'ApiId', apiId)).toBeDefined();
  });

  it('notify the optional SNS topic when one is given', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:alerts';

    for (const alarm of alarms) {
      expect(resolve({ Wrap: alarm['AlarmActions'] ?? null })).toEqual({});
      expect(resolve(alarm['AlarmActions'] ?? null, withParameters({ AlarmTopicArn: topic }))).toEqual([topic]);
    }
  });

  it('output the API URL, the table name, the alias ARN and the layer version ARN', () => {
    const outputs = Object.fromEntries(
      Object.entries(objectAt(template, 'Outputs')).map(([name, output]) => [name, objectAt(output)['Value']]),
    );

    expect(Object.values(outputs)).toEqual(
      expect.arrayContaining([
        { 'Fn::Sub': `https://\${${apiId}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/` },
        { Ref: tableId },
        { Ref: `${functionId}.Alias` },
        { Ref: layerId },
      ]),
    );
  });
});
