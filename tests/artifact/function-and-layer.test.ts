import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { SWAGGER_UI_FILES } from '../../src/openapi/swagger-ui-assets';
import { httpApiV2, type HttpRequestSpec, type NormalizedResponse } from '@lambdalith/testing';
import { TEST_TABLE_NAME, testDynamoDbEndpoint } from '../helpers/test-environment';
import {
  functionEnvironment,
  isObject,
  templateFunctionRuntimeVariables,
  loadTemplate,
  objectAt,
  physicalId,
  PROJECT_ROOT,
  withGlobals,
  type JsonObject,
  type StackContext,
} from '../contract/cloudformation';
import { FakeAws } from '../../scripts/lambda/fake-aws';
import { FunctionError, InitError, LambdaEnvironment } from '../../scripts/lambda/lambda-environment';
import { readZip } from './read-zip';
import { samBuild, type BuiltArtifacts } from '../../scripts/lambda/sam-build';

/**
 * The deployment artifacts as `sam build` makes them (through the Makefile targets), loaded the way Lambda
 * loads them: the bundle from the task root, the layer through NODE_PATH, in a child process with only the
 * environment the template and the runtime give it, against DynamoDB Local and a loopback Secrets Manager
 * and SES. Nothing may resolve from the project's node_modules.
 */

const FUNCTION = 'ApiFunction';
const LAYER_PACKAGE = '@lambdalith/middleware';
const EMAIL_FROM = 'no-reply@example.com';
const JWT_SECRET_VALUE = 'Zq3xVn8RkT1mLp6WcY9bHd2FsJ5gNa0EuKo7Qi4Xr8Tz1Vm6Bc3Hn9Lp2Wd5Fs';

const template = loadTemplate();
const stack: StackContext = {
  parameters: { EmailFrom: EMAIL_FROM },
  region: 'us-east-1',
  accountId: '123456789012',
  stackName: 'lambdalith',
  physicalIds: { Table: TEST_TABLE_NAME },
};
const functionProperties = withGlobals(template, FUNCTION);
const [handlerModule = ''] = String(functionProperties['Handler']).split('.');

let dir: string;
let artifacts: BuiltArtifacts;
let aws: FakeAws;
let lambda: LambdaEnvironment;
const environments: LambdaEnvironment[] = [];

/** What the deployed function's process would have, pointed at local stand-ins for AWS. */
function deployedEnvironment(opt: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...templateFunctionRuntimeVariables(template, FUNCTION, { taskRoot: artifacts.task, optRoot: opt }, stack),
    ...functionEnvironment(template, FUNCTION, stack),
    // The one addition: where DynamoDB is. Everything else comes from the template or the runtime.
    DYNAMODB_ENDPOINT: testDynamoDbEndpoint(),
    ...aws.environment,
    ...overrides,
  };
}

function startEnvironment(opt: string, overrides: Record<string, string> = {}): LambdaEnvironment {
  const environment = new LambdaEnvironment({
    handler: String(functionProperties['Handler']),
    timeoutSeconds: Number(functionProperties['Timeout']),
    env: deployedEnvironment(opt, overrides),
    cwd: dir,
  });
  environments.push(environment);
  return environment;
}

/** The route API Gateway would match, from the function's HttpApi events (specific method before ANY). */
function routeOf(method: string, path: string): { routeKey: string; pathParameters?: Record<string, string> } {
  const routes = Object.values(objectAt(functionProperties, 'Events'))
    .filter((event): event is JsonObject => isObject(event) && event['Type'] === 'HttpApi')
    .map((event) => objectAt(event, 'Properties'))
    .map((properties) => ({ method: String(properties['Method']).toUpperCase(), path: String(properties['Path']) }));
  const candidates = [
    routes.find((route) => route.path === path && route.method === method),
    routes.find((route) => route.path === path && route.method === 'ANY'),
    routes.find((route) => route.path === '/{proxy+}' && route.method === method),
    routes.find((route) => route.path === '/{proxy+}' && route.method === 'ANY'),
  ];
  const route = candidates.find((candidate) => candidate !== undefined);
  if (route === undefined) throw new Error(`no route of the template matches ${method} ${path}`);
  const routeKey = `${route.method} ${route.path}`;
  return route.path === '/{proxy+}' ? { routeKey, pathParameters: { proxy: path.slice(1) } } : { routeKey };
}

/** Sends one HTTP API (v2) request through the environment and reads the v2 result. */
async function request(
  environment: LambdaEnvironment,
  spec: HttpRequestSpec,
): Promise<NormalizedResponse & { awsRequestId: string }> {
  const pathname = spec.path.split('?')[0] ?? spec.path;
  const event = {
    ...httpApiV2.event({ sourceIp: `198.51.100.${randomInt(1, 255)}`, ...spec }),
    ...routeOf(spec.method, pathname),
  };
  const { awsRequestId, result } = await environment.invoke(event);
  return { ...httpApiV2.parseResult(result), awsRequestId };
}

function filesUnder(root: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(current, entry.name));
      else files.push(relative(root, join(current, entry.name)).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** Package names (scoped or not) installed in a node_modules folder, nested node_modules included. */
function packagesIn(nodeModules: string, names = new Set<string>()): Set<string> {
  for (const entry of readdirSync(nodeModules)) {
    const scoped = entry.startsWith('@')
      ? readdirSync(join(nodeModules, entry)).map((name) => `${entry}/${name}`)
      : [entry];
    for (const name of scoped) {
      names.add(name);
      const nested = join(nodeModules, name, 'node_modules');
      if (existsSync(nested)) packagesIn(nested, names);
    }
  }
  return names;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lambdalith-artifact-'));
  // The point is that only NODE_PATH and the task root can provide modules: no node_modules above us.
  for (let parent = dir; dirname(parent) !== parent; parent = dirname(parent)) {
    if (existsSync(join(dirname(parent), 'node_modules')))
      throw new Error(`${dirname(parent)}/node_modules would leak into the test`);
  }
  artifacts = await samBuild(template, dir, { METAFILE: join(dir, 'function.meta.json') });
  aws = await FakeAws.start(new Map([[physicalId(template, 'JwtSecret', stack), JWT_SECRET_VALUE]]));
  lambda = startEnvironment(artifacts.opt);
  await lambda.ready;
}, 60_000);

afterAll(async () => {
  await Promise.all(environments.map((environment) => environment.close()));
  await aws?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the function artifact (sam build → /var/task)', () => {
  it('holds the handler module (an ES module) at the root, where the handler setting points, its lazily loaded chunks beside it, each with a source map, and the docs page assets', () => {
    // Arrange
    const files = filesUnder(artifacts.task);
    const chunks = files.filter((file) => file.endsWith('.mjs') && file !== `${handlerModule}.mjs`);

    // Act
    const expected = [`${handlerModule}.mjs`, ...chunks].flatMap((file) => [file, `${file}.map`]);

    // Assert
    expect(files).toEqual([...expected, ...SWAGGER_UI_FILES.map((file) => `swagger-ui/${file}`)].sort());
    expect(chunks.every((chunk) => !chunk.includes('/'))).toBe(true);
  });

  it('bundles no second copy of anything the layer ships, and leaves those packages to the layer', () => {
    // Arrange
    const metafile = JSON.parse(readFileSync(join(dir, 'function.meta.json'), 'utf8')) as Metafile;
    const layerPackages = packagesIn(join(artifacts.opt, 'nodejs/node_modules'));
    const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint === 'src/lambda.ts');

    // Act
    const bundledFromLayer = Object.keys(metafile.inputs).filter(
      (input) =>
        input.startsWith('layers/middleware/') ||
        [...layerPackages].some(
          (name) => input.startsWith(`node_modules/${name}/`) || input.includes(`/node_modules/${name}/`),
        ),
    );
    const externalImports = new Set(
      output?.imports.filter((imported) => imported.external === true).map((imported) => imported.path),
    );

    // Assert
    expect(layerPackages.has(LAYER_PACKAGE) && layerPackages.has('express')).toBe(true);
    expect(bundledFromLayer).toEqual([]);
    expect([...externalImports]).toEqual(expect.arrayContaining([LAYER_PACKAGE, 'express']));
  });
});

describe('the layer artifact (sam build → /opt)', () => {
  it('puts @lambdalith/middleware under nodejs/node_modules, at the version the function was built against', () => {
    const manifest = JSON.parse(
      readFileSync(join(artifacts.opt, 'nodejs/node_modules', LAYER_PACKAGE, 'package.json'), 'utf8'),
    ) as { version: string };
    const source = JSON.parse(readFileSync(join(PROJECT_ROOT, 'layers/middleware/package.json'), 'utf8')) as {
      version: string;
    };

    expect(readdirSync(artifacts.opt)).toEqual(['nodejs']);
    expect(readdirSync(join(artifacts.opt, 'nodejs'))).toEqual(['node_modules']);
    expect(manifest.version).toBe(source.version);
  });

  it('ships each package the function imports by name as one bundle with its licenses, exactly one express, which the middleware requires, and express-validator as a bundle of its own, which the middleware requires on first use', () => {
    // Arrange
    const nodeModules = join(artifacts.opt, 'nodejs/node_modules');
    const middlewareBundle = readFileSync(join(nodeModules, LAYER_PACKAGE, 'dist/index.js'), 'utf8');
    const bundledIntoMiddleware = readFileSync(join(nodeModules, LAYER_PACKAGE, 'LICENSES.txt'), 'utf8');
    const bundledIntoExpressValidator = readFileSync(join(nodeModules, 'express-validator/LICENSES.txt'), 'utf8');

    // Act
    const files = filesUnder(nodeModules);

    // Assert
    expect(files).toEqual([
      `${LAYER_PACKAGE}/LICENSES.txt`,
      `${LAYER_PACKAGE}/dist/index.js`,
      `${LAYER_PACKAGE}/package.json`,
      'express-validator/LICENSES.txt',
      'express-validator/index.js',
      'express-validator/package.json',
      'express/LICENSES.txt',
      'express/index.js',
      'express/package.json',
    ]);
    expect(middlewareBundle).toContain('require("express")');
    expect(middlewareBundle).toContain('require("express-validator")');
    expect(bundledIntoMiddleware).not.toMatch(/^express@/m);
    expect(bundledIntoMiddleware).not.toMatch(/^(express-validator|validator|lodash)@/m);
    expect(bundledIntoExpressValidator).toMatch(/^express-validator@\S+ \(MIT\)$/m);
    expect(bundledIntoExpressValidator).toMatch(/^validator@\S+ \(MIT\)$/m);
  });

  it('ships no AWS SDK (it would shadow the runtime one), no type declarations or source maps, and no native addons', () => {
    const files = filesUnder(join(artifacts.opt, 'nodejs/node_modules'));

    // Pure JavaScript runs on arm64 whatever machine built the layer; a native addon would be the builder's.
    expect(files.filter((file) => file.endsWith('.node') || file.endsWith('/binding.gyp'))).toEqual([]);

    expect(files.filter((file) => file.startsWith('@aws-sdk/') || file.includes('/node_modules/@aws-sdk/'))).toEqual(
      [],
    );
    expect(files.filter((file) => /\.d\.[cm]?ts$|\.map$/.test(file))).toEqual([]);
  });
});

describe('the deployed function, invoked with HTTP API (v2) events', () => {
  it('answers GET /health with 200 and the invocation id as the request id', async () => {
    const response = await request(lambda, { method: 'GET', path: '/health' });

    expect(response).toMatchObject({ statusCode: 200, headers: { 'x-request-id': response.awsRequestId } });
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
  });

  it('registers a user, logs them in and answers GET /users/me with their profile', async () => {
    // Arrange
    const email = `artifact-${randomUUID()}@example.com`;
    const password = 'artifact password 1234';
    const json = { 'content-type': 'application/json' };

    // Act
    const registered = await request(lambda, {
      method: 'POST',
      path: '/auth/register',
      headers: json,
      body: JSON.stringify({ email, password, name: 'Artie Fact' }),
    });
    const login = await request(lambda, {
      method: 'POST',
      path: '/auth/login',
      headers: json,
      body: JSON.stringify({ email, password }),
    });
    const { accessToken } = JSON.parse(login.body) as { accessToken: string };
    const me = await request(lambda, {
      method: 'GET',
      path: '/users/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });

    // Assert
    expect(registered.statusCode).toBe(201);
    expect(login).toMatchObject({ statusCode: 200, headers: { 'cache-control': 'no-store' } });
    expect(JSON.parse(login.body)).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({
      id: (JSON.parse(registered.body) as { id: string }).id,
      email,
      name: 'Artie Fact',
      role: 'user',
    });
  });

  it("sends the welcome email from the template's EMAIL_FROM through SES", async () => {
    // Arrange
    const email = `welcome-${randomUUID()}@example.com`;

    // Act
    const registered = await request(lambda, {
      method: 'POST',
      path: '/auth/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'welcome password 1234', name: 'Wel Come' }),
    });

    // Assert
    expect(registered.statusCode).toBe(201);
    expect(aws.callsOf('ses:SendEmail').map((call) => call.body)).toContainEqual(
      expect.objectContaining({ FromEmailAddress: EMAIL_FROM, Destination: { ToAddresses: [email] } }),
    );
  });

  it('serves the docs page assets from the files shipped beside the bundle', async () => {
    const response = await request(lambda, { method: 'GET', path: '/docs/assets/swagger-ui.css' });

    expect(response).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': expect.stringMatching(/^text\/css/) },
    });
    expect(response.body).toBe(readFileSync(join(artifacts.task, 'swagger-ui/swagger-ui.css'), 'utf8'));
  });

  it('reads the JWT signing secret from Secrets Manager once per environment, by the ARN the template passes', async () => {
    // Act: whatever ran before in this environment, plus two more requests.
    await request(lambda, { method: 'GET', path: '/health' });
    await request(lambda, { method: 'GET', path: '/health' });

    // Assert
    expect(aws.callsOf('secretsmanager:GetSecretValue')).toEqual([
      {
        operation: 'secretsmanager:GetSecretValue',
        body: { SecretId: functionEnvironment(template, FUNCTION, stack)['JWT_SECRET_ARN'] },
      },
    ]);
  });
});

describe('a function whose cold start cannot complete', () => {
  it('fails init with a message naming both versions when the layer has another major version', async () => {
    // Arrange: the same layer as if built from @lambdalith/middleware 2.0.0 (its version is compiled in).
    const opt = join(dir, 'opt-v2');
    cpSync(artifacts.opt, opt, { recursive: true });
    const packageDir = join(opt, 'nodejs/node_modules', LAYER_PACKAGE);
    const built = readFileSync(join(packageDir, 'dist/index.js'), 'utf8');
    const versionLiteral = /(name:\s*"@lambdalith\/middleware",\s*version:\s*)"([^"]+)"/g;
    const [match, ...others] = [...built.matchAll(versionLiteral)];
    if (match === undefined || others.length > 0)
      throw new Error('the layer build no longer inlines its version as the test expects');
    writeFileSync(join(packageDir, 'dist/index.js'), built.replace(versionLiteral, '$1"2.0.0"'));
    const environment = startEnvironment(opt);

    // Act
    const failure: unknown = await environment.ready.catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(InitError);
    expect((failure as InitError).message).toContain(
      `@lambdalith/middleware layer 2.0.0 is attached, but this function was built against ${match[2] ?? ''}`,
    );
  });

  it('fails the invocation with an error naming the secret when it cannot be read, and tries again on the next one', async () => {
    // Arrange
    const missingSecret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-secret-AbCdEf';
    const environment = startEnvironment(artifacts.opt, { JWT_SECRET_ARN: missingSecret });
    const before = aws.callsOf('secretsmanager:GetSecretValue').length;

    // Act
    const first: unknown = await environment
      .invoke(httpApiV2.event({ method: 'GET', path: '/health' }))
      .catch((error: unknown) => error);
    const second: unknown = await environment
      .invoke(httpApiV2.event({ method: 'GET', path: '/health' }))
      .catch((error: unknown) => error);

    // Assert
    for (const failure of [first, second]) {
      expect(failure).toBeInstanceOf(FunctionError);
      expect((failure as FunctionError).error).toMatchObject({
        name: 'JwtSecretError',
        message: expect.stringContaining(
          `Could not read the JWT signing secret ${missingSecret} from Secrets Manager: ResourceNotFoundException`,
        ),
      });
    }
    expect(aws.callsOf('secretsmanager:GetSecretValue').slice(before)).toHaveLength(2);
  });
});

describe('npm run package', () => {
  const run = promisify(execFile);

  it('zips the function and the layer with their files at the zip root, byte for byte, reproducibly', async () => {
    // Arrange
    const out = join(dir, 'zips');
    const again = join(dir, 'zips-again');
    const packageArgs = (to: string): string[] => [
      join(PROJECT_ROOT, 'scripts/package.mts'),
      '--function',
      artifacts.task,
      '--layer',
      artifacts.opt,
      '--out',
      to,
    ];

    // Act
    for (const to of [out, again]) {
      mkdirSync(to);
      await run(process.execPath, packageArgs(to), { cwd: dir });
    }
    const functionZip = readZip(join(out, 'function.zip'));
    const layerZip = readZip(join(out, 'layer.zip'));

    // Assert
    for (const [zip, source] of [
      [functionZip, artifacts.task],
      [layerZip, artifacts.opt],
    ] as const) {
      expect([...zip.keys()].sort()).toEqual(filesUnder(source));
      for (const [name, data] of zip) expect(data.equals(readFileSync(join(source, name)))).toBe(true);
    }
    expect(readFileSync(join(out, 'function.zip')).equals(readFileSync(join(again, 'function.zip')))).toBe(true);
    expect(readFileSync(join(out, 'layer.zip')).equals(readFileSync(join(again, 'layer.zip')))).toBe(true);
  });
});
