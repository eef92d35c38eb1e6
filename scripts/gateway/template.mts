// template.yaml as the gateway needs it: parsed with CloudFormation's short-form tags, with a small evaluator of
// the intrinsic functions (parameters, pseudo parameters, conditions, Sub, If, Join, ...) for a local "stack".
import { readFileSync } from 'node:fs';
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const SCALAR_FORM = ['Ref', 'Condition', 'Fn::Sub', 'Fn::GetAtt', 'Fn::Base64', 'Fn::GetAZs', 'Fn::ImportValue'];
const SEQUENCE_FORM = [
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
const MAPPING_FORM = ['Fn::Base64', 'Fn::ImportValue', 'Fn::Transform', 'Fn::GetAZs'];
const shortName = (name: string): string => `!${name.replace(/^Fn::/, '')}`;

const tags: (ScalarTag | CollectionTag)[] = [
  ...SCALAR_FORM.map(
    (name): ScalarTag => ({
      tag: shortName(name),
      resolve: (value: string) => ({ [name]: name === 'Fn::GetAtt' ? value.split('.', 2) : value }),
    }),
  ),
  ...SEQUENCE_FORM.map(
    (name): CollectionTag => ({
      tag: shortName(name),
      collection: 'seq',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [name]: value.toJSON() }),
    }),
  ),
  ...MAPPING_FORM.map(
    (name): CollectionTag => ({
      tag: shortName(name),
      collection: 'map',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [name]: value.toJSON() }),
    }),
  ),
];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function loadTemplate(path: string): JsonObject {
  const parsed: unknown = parse(readFileSync(path, 'utf8'), { customTags: tags, strict: true, uniqueKeys: true });
  if (!isObject(parsed)) throw new Error(`${path} is not a YAML mapping`);
  return parsed;
}

export function child(object: Json | undefined, ...path: string[]): JsonObject {
  let current: Json | undefined = object;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : {};
}

/** The local stand-in for a deployed stack: parameter values and the names its resources get. */
export interface LocalStack {
  readonly parameters: Readonly<Record<string, string>>;
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  /** Physical ids of resources (e.g. the table's name); others get `<stack>-<LogicalId>`. */
  readonly physicalIds: Readonly<Record<string, string>>;
}

const NAME_PROPERTIES = ['LogGroupName', 'TableName', 'FunctionName', 'TopicName', 'QueueName'];

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = Json | typeof NO_VALUE;

/** Evaluates the intrinsic functions in `value` as CloudFormation would for `stack`. */
export function resolveIntrinsics(template: JsonObject, value: Json, stack: LocalStack): Json {
  const resolved = evaluate(template, stack, value);
  return resolved === NO_VALUE ? null : resolved;
}

function evaluate(template: JsonObject, stack: LocalStack, value: Json): Resolved {
  const again = (next: Json): Resolved => evaluate(template, stack, next);
  const list = (argument: Json): Json[] => (Array.isArray(argument) ? argument : [argument]);
  const ref = (name: string): Resolved => {
    const pseudo: Record<string, Resolved> = {
      'AWS::NoValue': NO_VALUE,
      'AWS::Region': stack.region,
      'AWS::AccountId': stack.accountId,
      'AWS::StackName': stack.stackName,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name] ?? null;
    const parameter = child(template, 'Parameters')[name];
    if (isObject(parameter)) {
      const chosen = stack.parameters[name] ?? parameter['Default'];
      return chosen === undefined ? '' : String(chosen);
    }
    const logicalId = name.split('.')[0] ?? name;
    const chosen = stack.physicalIds[logicalId];
    if (chosen !== undefined) return chosen;
    // A resource named in the template is referenced by that name (a log group's Ref is its LogGroupName).
    const properties = child(template, 'Resources', logicalId, 'Properties');
    const nameProperty = NAME_PROPERTIES.find((property) => properties[property] !== undefined);
    return nameProperty === undefined ? `${stack.stackName}-${logicalId}` : again(properties[nameProperty] ?? null);
  };
  const condition = (name: string): boolean => truth(child(template, 'Conditions')[name] ?? null);
  const truth = (argument: Json): boolean => {
    if (isObject(argument) && typeof argument['Condition'] === 'string') return condition(argument['Condition']);
    return again(argument) === true;
  };

  if (Array.isArray(value)) return value.map(again).filter((item): item is Json => item !== NO_VALUE);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const name = keys.length === 1 ? keys[0] : undefined;
  const argument = name === undefined ? null : (value[name] ?? null);
  switch (name) {
    case 'Ref':
      return ref(String(argument));
    case 'Fn::If': {
      const [conditionName, whenTrue = null, whenFalse = null] = list(argument);
      return again(condition(String(conditionName)) ? whenTrue : whenFalse);
    }
    case 'Fn::Equals': {
      const [left = null, right = null] = list(argument);
      return String(again(left)) === String(again(right));
    }
    case 'Fn::Not':
      return !truth(list(argument)[0] ?? null);
    case 'Fn::And':
      return list(argument).every(truth);
    case 'Fn::Or':
      return list(argument).some(truth);
    case 'Fn::Join': {
      const [separator = '', items = []] = list(argument);
      const resolvedItems = again(items);
      return (Array.isArray(resolvedItems) ? resolvedItems : []).map(String).join(String(separator));
    }
    case 'Fn::Select': {
      const [index = 0, items = []] = list(argument);
      const resolvedItems = again(items);
      return Array.isArray(resolvedItems) ? (resolvedItems[Number(again(index))] ?? null) : null;
    }
    case 'Fn::Split': {
      const [separator = '', text = ''] = list(argument);
      return String(again(text)).split(String(separator));
    }
    case 'Fn::GetAtt': {
      const [logicalId = '', attribute = ''] = list(argument).map(String);
      return `${String(ref(logicalId))}.${attribute}`;
    }
    case 'Fn::Sub': {
      const [text = '', variables = {}] = typeof argument === 'string' ? [argument] : list(argument);
      return String(text).replace(/\$\{([^}!]+)\}/g, (_match, variable: string) => {
        const fromMap = isObject(variables) ? variables[variable] : undefined;
        if (fromMap !== undefined) return String(again(fromMap));
        return String(variable.includes('.') ? ref(variable.split('.')[0] ?? variable) : ref(variable));
      });
    }
    default: {
      if (name?.startsWith('Fn::')) throw new Error(`the gateway does not evaluate ${name} in template.yaml`);
      const result: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        const resolved = again(item);
        if (resolved !== NO_VALUE) result[key] = resolved;
      }
      return result;
    }
  }
}

/** A SAM resource's properties with Globals applied (maps merge, resource values win, lists concatenate). */
export function withGlobals(template: JsonObject, logicalId: string): JsonObject {
  const resource = child(template, 'Resources', logicalId);
  const section = String(resource['Type']).replace('AWS::Serverless::', '');
  return mergeGlobals(child(template, 'Globals', section), child(resource, 'Properties'));
}

function mergeGlobals(global: JsonObject, local: JsonObject): JsonObject {
  const merged: JsonObject = { ...global };
  for (const [key, value] of Object.entries(local)) {
    const inherited = merged[key];
    const intrinsic = isObject(value) && Object.keys(value).some((name) => name === 'Ref' || name.startsWith('Fn::'));
    if (isObject(inherited) && isObject(value) && !intrinsic) merged[key] = mergeGlobals(inherited, value);
    else if (Array.isArray(inherited) && Array.isArray(value)) merged[key] = [...inherited, ...value];
    else merged[key] = value;
  }
  return merged;
}
