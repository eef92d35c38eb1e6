// template.yaml as CloudFormation reads it: parsed with the short-form tags (`!Ref`, `!Sub`, ...), and a small
// evaluator of the intrinsic functions the template uses (Ref and pseudo parameters, Fn::Sub, Fn::If and
// conditions, Fn::GetAtt, Fn::Join, ...) for a stack of chosen parameter values and physical ids. One reader
// for everything that needs the template: the local gateway (scripts/gateway), the cold-start benchmark and the
// contract and artifact tests. Node loads it directly (type stripping), so it imports only node: and yaml.
import { readFileSync } from 'node:fs';
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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

export function loadTemplate(path: string): JsonObject {
  return parseTemplate(readFileSync(path, 'utf8'));
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[key]...` as an object; throws naming the path when there is none. */
export function objectAt(object: Json | undefined, ...path: string[]): JsonObject {
  const found = optionalObjectAt(object, ...path);
  if (found === undefined) throw new Error(`expected an object at ${path.join('.')}`);
  return found;
}

/** `object[key]...` as an object, or `{}` where the template has none (an optional section). */
export function objectAtOrEmpty(object: Json | undefined, ...path: string[]): JsonObject {
  return optionalObjectAt(object, ...path) ?? {};
}

function optionalObjectAt(object: Json | undefined, ...path: string[]): JsonObject | undefined {
  let current: Json | undefined = object;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : undefined;
}

export function resourcesOfType(template: JsonObject, type: string): [string, JsonObject][] {
  return Object.entries(objectAt(template, 'Resources')).filter(
    (entry): entry is [string, JsonObject] => isObject(entry[1]) && entry[1]['Type'] === type,
  );
}

/** What the evaluator substitutes for parameters, pseudo parameters and resources. */
export interface StackContext {
  /** Parameter values; a parameter left out takes the template's Default. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** Physical ids to use instead of made-up ones, e.g. the local table's name for `Table`. */
  readonly physicalIds?: Readonly<Record<string, string>>;
}

// A resource given a name in the template is referenced by that name (a table's Ref is its TableName).
const NAME_PROPERTIES = ['TableName', 'LogGroupName', 'FunctionName', 'TopicName', 'QueueName'];

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

/**
 * Evaluates the intrinsic functions in `value` as CloudFormation would for `stack`. A function this evaluator
 * does not know, or a parameter with neither a value nor a default, is an error naming it.
 */
export function resolveIntrinsics(template: JsonObject, value: Json, stack: StackContext): Json {
  const resolved = new Evaluator(template, stack).resolve(value);
  if (resolved === NO_VALUE) throw new Error('the value resolved to AWS::NoValue');
  return resolved;
}

/**
 * What a Ref to a resource gives: the stack's chosen id, the name the template gives it, an ARN where
 * CloudFormation gives one, an API id, or `<stack>-<LogicalId>` otherwise.
 */
export function physicalId(template: JsonObject, logicalId: string, stack: StackContext): string {
  const chosen = stack.physicalIds?.[logicalId];
  if (chosen !== undefined) return chosen;
  const resource = objectAt(template, 'Resources', logicalId);
  const properties = objectAtOrEmpty(resource, 'Properties');
  const nameProperty = NAME_PROPERTIES.find((property) => properties[property] !== undefined);
  if (nameProperty !== undefined) return String(resolveIntrinsics(template, properties[nameProperty] ?? null, stack));
  const prefix = `arn:aws:%s:${stack.region}:${stack.accountId}`;
  switch (resource['Type']) {
    case 'AWS::SecretsManager::Secret':
      return `${prefix.replace('%s', 'secretsmanager')}:secret:${logicalId}-AbCdEf`;
    case 'AWS::Serverless::LayerVersion':
      return `${prefix.replace('%s', 'lambda')}:layer:${stack.stackName}-${logicalId}:1`;
    case 'AWS::Serverless::HttpApi':
      return 'a1b2c3d4e5';
    default:
      // CloudFormation appends a random suffix; a stand-in has no use for one.
      return `${stack.stackName}-${logicalId}`;
  }
}

class Evaluator {
  // Fields, not parameter properties: Node's type stripping runs this file and supports erasable syntax only.
  private readonly template: JsonObject;
  private readonly stack: StackContext;

  constructor(template: JsonObject, stack: StackContext) {
    this.template = template;
    this.stack = stack;
  }

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
        throw new Error(`the template evaluator does not know ${name}; teach scripts/cloudformation.mts`);
    }
  }

  private truth(value: Json): boolean {
    if (isObject(value) && typeof value['Condition'] === 'string') return this.condition(value['Condition']);
    const resolved = this.resolve(value);
    if (typeof resolved !== 'boolean') throw new Error(`a condition resolved to ${String(resolved)}, not a boolean`);
    return resolved;
  }

  private condition(name: string): boolean {
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
    const parameter = objectAtOrEmpty(this.template, 'Parameters')[name];
    if (isObject(parameter)) {
      const value = this.stack.parameters[name] ?? parameter['Default'];
      if (value === undefined) throw new Error(`parameter ${name} has no default and no value was given`);
      return typeof value === 'number' ? String(value) : value;
    }
    // SAM: `!Ref Function.Alias` is the alias AutoPublishAlias creates.
    const [logicalId, property] = name.split('.', 2);
    if (logicalId !== undefined && isObject(objectAtOrEmpty(this.template, 'Resources')[logicalId])) {
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
    return asString(text ?? null, 'Fn::Sub').replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      // `${!Literal}` is how a template writes a literal `${Literal}`.
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
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
  return mergeGlobals(objectAtOrEmpty(template, 'Globals', section), objectAtOrEmpty(resource, 'Properties'));
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
