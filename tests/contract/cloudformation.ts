import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * What the contract and artifact tests need of CloudFormation: template.yaml parsed with its short-form tags,
 * and a small evaluator of the intrinsic functions the template uses (Ref, Fn::Sub, Fn::If and conditions,
 * Fn::GetAtt, …) with chosen parameter values and made-up physical ids, to see what a deployed stack
 * would hand the function.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const PROJECT_ROOT = join(__dirname, '../..');
export const TEMPLATE_PATH = join(PROJECT_ROOT, 'template.yaml');

// Short form → long form, as CloudFormation reads them. `!GetAtt A.B` is the one scalar that splits.
const FUNCTIONS_WITH_SCALAR_FORM = [
  'Ref',
  'Condition',
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::ImportValue',
];
const FUNCTIONS_WITH_SEQUENCE_FORM = [
  'Fn::Sub',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Select',
  'Fn::Join',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::Cidr',
  'Fn::GetAZs',
];
const FUNCTIONS_WITH_MAPPING_FORM = ['Fn::Base64', 'Fn::ImportValue', 'Fn::Transform', 'Fn::GetAZs'];

const shortName = (name: string): string => `!${name.replace(/^Fn::/, '')}`;

const cloudFormationTags: (ScalarTag | CollectionTag)[] = [
  ...FUNCTIONS_WITH_SCALAR_FORM.map(
    (name): ScalarTag => ({
      tag: shortName(name),
      resolve: (value: string) => (name === 'Fn::GetAtt' ? { [name]: value.split('.', 2) } : { [name]: value }),
    }),
  ),
  ...FUNCTIONS_WITH_SEQUENCE_FORM.map(
    (name): CollectionTag => ({
      tag: shortName(name),
      collection: 'seq',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [name]: value.toJSON() }),
    }),
  ),
  ...FUNCTIONS_WITH_MAPPING_FORM.map(
    (name): CollectionTag => ({
      tag: shortName(name),
      collection: 'map',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [name]: value.toJSON() }),
    }),
  ),
];

/** Parses CloudFormation YAML, short-form tags included, into its JSON form. Unknown tags are errors. */
export function parseTemplate(text: string): JsonObject {
  const parsed: unknown = parse(text, {
    customTags: cloudFormationTags,
    strict: true,
    prettyErrors: true,
    uniqueKeys: true,
  });
  if (!isObject(parsed)) throw new Error('the template is not a YAML mapping');
  return parsed;
}

export function loadTemplate(path = TEMPLATE_PATH): JsonObject {
  return parseTemplate(readFileSync(path, 'utf8'));
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[key]` as an object, or a test failure naming the path. */
export function objectAt(object: Json | undefined, ...path: string[]): JsonObject {
  let current: Json | undefined = object;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  if (!isObject(current)) throw new Error(`expected an object at ${path.join('.')}`);
  return current;
}

export function resourcesOfType(template: JsonObject, type: string): [string, JsonObject][] {
  return Object.entries(objectAt(template, 'Resources')).filter(
    (entry): entry is [string, JsonObject] => isObject(entry[1]) && entry[1]['Type'] === type,
  );
}

/** What the evaluator substitutes for pseudo parameters and resources; parameters default to the template's. */
export interface StackContext {
  readonly parameters: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** Physical ids to use instead of made-up ones, e.g. the test table's name for `Table`. */
  readonly physicalIds?: Readonly<Record<string, string>>;
}

export const TEST_STACK: StackContext = {
  parameters: {},
  region: 'us-east-1',
  accountId: '123456789012',
  stackName: 'lambdalith',
};

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

/** Evaluates intrinsic functions in `value` the way CloudFormation would for a stack made from `template`. */
export function resolveIntrinsics(template: JsonObject, value: Json, stack: StackContext = TEST_STACK): Json {
  const resolved = new Evaluator(template, stack).resolve(value);
  if (resolved === NO_VALUE) throw new Error('the value resolved to AWS::NoValue');
  return resolved;
}

/** The physical id a Ref to a resource gives: an ARN where CloudFormation gives one, a made-up name otherwise. */
export function physicalId(template: JsonObject, logicalId: string, stack: StackContext = TEST_STACK): string {
  const chosen = stack.physicalIds?.[logicalId];
  if (chosen !== undefined) return chosen;
  const resource = objectAt(template, 'Resources', logicalId);
  const prefix = `arn:aws:%s:${stack.region}:${stack.accountId}`;
  switch (resource['Type']) {
    case 'AWS::SecretsManager::Secret':
      return `${prefix.replace('%s', 'secretsmanager')}:secret:${logicalId}-AbCdEf`;
    case 'AWS::Serverless::LayerVersion':
      return `${prefix.replace('%s', 'lambda')}:layer:${stack.stackName}-${logicalId}:1`;
    case 'AWS::Serverless::HttpApi':
      return 'a1b2c3d4e5';
    default:
      return `${stack.stackName}-${logicalId}-1A2B3C4D5E6F`;
  }
}

class Evaluator {
  constructor(
    private readonly template: JsonObject,
    private readonly stack: StackContext,
  ) {}

  resolve(value: Json): Resolved {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolve(item)).filter((item): item is Json => item !== NO_VALUE);
    }
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only !== undefined && (only === 'Ref' || only.startsWith('Fn::')))
      return this.intrinsic(only, value[only] ?? null);
    const result: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      const resolved = this.resolve(child);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(name: string, argument: Json): Resolved {
    switch (name) {
      case 'Ref':
        return this.ref(asString(argument, name));
      case 'Fn::Sub':
        return this.sub(argument);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = asArray(argument, name, 3);
        return this.resolve(
          this.condition(asString(condition ?? null, name)) ? (whenTrue ?? null) : (whenFalse ?? null),
        );
      }
      case 'Fn::Equals': {
        const [left, right] = asArray(argument, name, 2).map((item) => this.resolve(item));
        return String(left) === String(right);
      }
      case 'Fn::Not':
        return !this.truth(asArray(argument, name, 1)[0] ?? null);
      case 'Fn::And':
        return asArray(argument, name).every((item) => this.truth(item));
      case 'Fn::Or':
        return asArray(argument, name).some((item) => this.truth(item));
      case 'Fn::Select': {
        const [index, list] = asArray(argument, name, 2);
        const items = this.resolve(list ?? null);
        if (!Array.isArray(items)) throw new Error('Fn::Select needs a list');
        return items[Number(this.resolve(index ?? null))] ?? null;
      }
      case 'Fn::Join': {
        const [separator, list] = asArray(argument, name, 2);
        const items = this.resolve(list ?? null);
        if (!Array.isArray(items)) throw new Error('Fn::Join needs a list');
        return items.map(String).join(String(separator));
      }
      case 'Fn::Split': {
        const [separator, text] = asArray(argument, name, 2);
        return String(this.resolve(text ?? null)).split(String(separator));
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = asArray(argument, name, 2).map(String);
        return `${physicalId(this.template, logicalId ?? '', this.stack)}.${attribute ?? ''}`;
      }
      default:
        throw new Error(`the test evaluator does not know ${name}; teach tests/contract/cloudformation.ts`);
    }
  }

  private truth(value: Json): boolean {
    if (isObject(value) && typeof value['Condition'] === 'string') return this.condition(value['Condition']);
    const resolved = this.resolve(value);
    if (typeof resolved !== 'boolean') throw new Error(`a condition resolved to ${String(resolved)}, not a boolean`);
    return resolved;
  }

  condition(name: string): boolean {
    return this.truth(objectAt(this.template, 'Conditions')[name] ?? null);
  }

  private ref(name: string): Resolved {
    const pseudo: Record<string, Resolved> = {
      'AWS::NoValue': NO_VALUE,
      'AWS::Region': this.stack.region,
      'AWS::AccountId': this.stack.accountId,
      'AWS::StackName': this.stack.stackName,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name] ?? null;
    const parameter = isObject(this.template['Parameters']) ? this.template['Parameters'][name] : undefined;
    if (isObject(parameter)) {
      const value = this.stack.parameters[name] ?? parameter['Default'];
      if (value === undefined) throw new Error(`parameter ${name} has no default; give the test a value for it`);
      return typeof value === 'number' ? String(value) : value;
    }
    // SAM: `!Ref Function.Alias` is the alias AutoPublishAlias creates.
    const [logicalId, property] = name.split('.', 2);
    if (logicalId !== undefined && isObject(objectAt(this.template, 'Resources')[logicalId])) {
      const id = physicalId(this.template, logicalId, this.stack);
      return property === 'Alias'
        ? `arn:aws:lambda:${this.stack.region}:${this.stack.accountId}:function:${id}:live`
        : id;
    }
    throw new Error(`Ref to unknown ${name}`);
  }

  private sub(argument: Json): Resolved {
    const [text, variables] = typeof argument === 'string' ? [argument, {}] : asArray(argument, 'Fn::Sub', 2);
    const extra = isObject(variables) ? variables : {};
    return asString(text ?? null, 'Fn::Sub').replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
      const fromMap = extra[name];
      if (fromMap !== undefined) return String(this.resolve(fromMap));
      const [logicalId, attribute] = name.split('.', 2);
      return String(
        attribute === undefined ? this.ref(name) : this.intrinsic('Fn::GetAtt', [logicalId ?? '', attribute]),
      );
    });
  }
}

function asString(value: Json, context: string): string {
  if (typeof value !== 'string') throw new Error(`${context} needs a string`);
  return value;
}

function asArray(value: Json, context: string, length?: number): Json[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
    throw new Error(`${context} needs a list${length === undefined ? '' : ` of ${length}`}`);
  }
  return value;
}

/**
 * A SAM resource's properties with `Globals` applied as SAM applies them: a resource value wins over a global
 * scalar, maps merge (key by key, recursively) and global list entries come first.
 */
export function withGlobals(template: JsonObject, logicalId: string): JsonObject {
  const resource = objectAt(template, 'Resources', logicalId);
  const section = String(resource['Type']).replace('AWS::Serverless::', '');
  const globals =
    isObject(template['Globals']) && isObject(template['Globals'][section]) ? template['Globals'][section] : {};
  return mergeGlobals(globals, objectAt(resource, 'Properties'));
}

function mergeGlobals(global: JsonObject, local: JsonObject): JsonObject {
  const merged: JsonObject = { ...global };
  for (const [key, value] of Object.entries(local)) {
    const inherited = merged[key];
    if (isObject(inherited) && isObject(value) && !isIntrinsic(value)) merged[key] = mergeGlobals(inherited, value);
    else if (Array.isArray(inherited) && Array.isArray(value)) merged[key] = [...inherited, ...value];
    else merged[key] = value;
  }
  return merged;
}

function isIntrinsic(value: JsonObject): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::'));
}

/** The function's environment variables as a deployed stack would set them. */
export function functionEnvironment(
  template: JsonObject,
  logicalId: string,
  stack: StackContext = TEST_STACK,
): Record<string, string> {
  const properties = resolveIntrinsics(template, withGlobals(template, logicalId), stack);
  const variables =
    isObject(properties) && isObject(properties['Environment']) ? properties['Environment']['Variables'] : undefined;
  if (!isObject(variables)) return {};
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]));
}

/**
 * The variables the Node.js Lambda runtime itself sets for this function (reserved: a template cannot set
 * them), from the function's settings: memory, log format and level, name, region, credentials.
 */
export function lambdaRuntimeEnvironment(
  template: JsonObject,
  logicalId: string,
  paths: { taskRoot: string; optRoot: string },
  stack: StackContext = TEST_STACK,
): Record<string, string> {
  const properties = resolveIntrinsics(template, withGlobals(template, logicalId), stack);
  if (!isObject(properties)) throw new Error(`${logicalId} has no properties`);
  const logging = isObject(properties['LoggingConfig']) ? properties['LoggingConfig'] : {};
  const functionName = physicalId(template, logicalId, stack);
  const runtime = String(properties['Runtime']);
  const nodeMajor = runtime.replace(/^nodejs(\d+)\.x$/, '$1');
  return {
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(properties['MemorySize'] ?? 128),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: String(logging['LogGroup'] ?? `/aws/lambda/${functionName}`),
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[1]0123456789abcdef0123456789abcdef',
    ...(logging['LogFormat'] === 'JSON'
      ? { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: String(logging['ApplicationLogLevel'] ?? 'INFO') }
      : {}),
    AWS_REGION: stack.region,
    AWS_DEFAULT_REGION: stack.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
    // The execution role's temporary credentials.
    AWS_ACCESS_KEY_ID: 'ASIALOCALTESTKEY0000',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret-access-key',
    AWS_SESSION_TOKEN: 'local-test-session-token',
    LAMBDA_TASK_ROOT: paths.taskRoot,
    // Lambda's order: layers (versioned, then plain), then the task root. The runtime's own node_modules
    // (with its AWS SDK) is left out on purpose: the bundle must not need it.
    NODE_PATH: [
      join(paths.optRoot, `nodejs/node${nodeMajor}/node_modules`),
      join(paths.optRoot, 'nodejs/node_modules'),
      paths.taskRoot,
    ].join(':'),
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
  };
}
