import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isObject,
  objectAt,
  PROJECT_ROOT,
  resolveIntrinsics,
  withGlobals,
  type Json,
  type JsonObject,
  type StackContext,
} from './cloudformation';

/**
 * How `sam local start-api` reads template.yaml, as far as our template depends on it. SAM local does not run
 * CloudFormation: its own intrinsic resolver evaluates a subset of the intrinsic functions, and what it cannot
 * evaluate it leaves in place, where the API reader then crashes (`'list' object has no attribute 'get'`). It
 * cannot evaluate `Ref AWS::NoValue` (not among its pseudo parameters), so an `Fn::If` that falls back to
 * AWS::NoValue inside an API definition breaks the start-up. Routes come from the function's HttpApi/Api events
 * and the definition body's paths; SAM expands ANY to its fixed method list, and a GET route answers only GET.
 */

/** The intrinsic functions SAM CLI's local resolver (IntrinsicResolver) evaluates. */
const SAM_LOCAL_FUNCTIONS = new Set([
  'Ref',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Split',
  'Fn::Select',
  'Fn::Base64',
  'Fn::FindInMap',
  'Fn::GetAZs',
  'Fn::GetAtt',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::Transform',
]);

/** The pseudo parameters it knows; AWS::NoValue is not one of them. */
const SAM_LOCAL_PSEUDO_PARAMETERS = new Set([
  'AWS::Region',
  'AWS::AccountId',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::URLSuffix',
  'AWS::Partition',
  'AWS::NotificationARNs',
]);

/** The methods SAM local serves for an ANY route. */
export const SAM_LOCAL_ANY_METHODS = ['GET', 'DELETE', 'PUT', 'POST', 'HEAD', 'OPTIONS', 'PATCH'] as const;

/** What SAM local would leave unresolved in `value`, as JSON paths with the reason (empty when it all resolves). */
export function unresolvableUnderSamLocal(template: JsonObject, value: Json, path = '$'): string[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => unresolvableUnderSamLocal(template, item, `${path}[${index}]`));
  if (!isObject(value)) return [];
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only !== undefined && (only === 'Ref' || only.startsWith('Fn::'))) {
    if (!SAM_LOCAL_FUNCTIONS.has(only)) return [`${path}: ${only} is not resolved by SAM local`];
    const argument = value[only] ?? null;
    if (only === 'Ref' && typeof argument === 'string') {
      const isParameter = isObject(template['Parameters']) && argument in template['Parameters'];
      const isResource =
        isObject(template['Resources']) && (argument.split('.')[0] ?? argument) in template['Resources'];
      if (!isParameter && !isResource && !SAM_LOCAL_PSEUDO_PARAMETERS.has(argument))
        return [`${path}: Ref ${argument} is not resolved by SAM local`];
      return [];
    }
    return unresolvableUnderSamLocal(template, argument, `${path}.${only}`);
  }
  return keys.flatMap((key) => unresolvableUnderSamLocal(template, value[key] ?? null, `${path}.${key}`));
}

export interface SamLocalRoute {
  readonly path: string;
  /** The methods SAM local answers on this path (ANY expanded). */
  readonly methods: readonly string[];
}

const OPENAPI_METHODS: Record<string, string> = { 'x-amazon-apigateway-any-method': 'ANY' };

/**
 * The routes SAM local serves for a function: its HttpApi/Api events plus the paths of the referenced API's
 * definition body (resolved as SAM local resolves it; it throws where SAM local would crash).
 */
export function samLocalRoutes(template: JsonObject, functionId: string, stack: StackContext): SamLocalRoute[] {
  const events = Object.values(objectAt(withGlobals(template, functionId), 'Events')).filter(isObject);
  const byPath = new Map<string, Set<string>>();
  const add = (path: string, method: string): void => {
    const methods = byPath.get(path) ?? new Set<string>();
    for (const expanded of method === 'ANY' ? SAM_LOCAL_ANY_METHODS : [method]) methods.add(expanded);
    byPath.set(path, methods);
  };
  for (const event of events) {
    if (event['Type'] !== 'HttpApi' && event['Type'] !== 'Api') continue;
    const properties = objectAt(event, 'Properties');
    add(String(properties['Path']), String(properties['Method']).toUpperCase());
    const apiRef = properties['ApiId'] ?? properties['RestApiId'];
    const apiId = isObject(apiRef) && typeof apiRef['Ref'] === 'string' ? apiRef['Ref'] : undefined;
    if (apiId === undefined) continue;
    for (const [path, methods] of Object.entries(objectAt(samLocalDefinitionBody(template, apiId, stack), 'paths'))) {
      for (const method of Object.keys(objectAt(methods))) add(path, OPENAPI_METHODS[method] ?? method.toUpperCase());
    }
  }
  return [...byPath].map(([path, methods]) => ({ path, methods: [...methods] }));
}

/** An API's DefinitionBody as SAM local resolves it; throws naming what SAM local could not resolve. */
export function samLocalDefinitionBody(template: JsonObject, apiId: string, stack: StackContext): JsonObject {
  const body = objectAt(template, 'Resources', apiId, 'Properties', 'DefinitionBody');
  const unresolvable = unresolvableUnderSamLocal(template, body);
  if (unresolvable.length > 0)
    throw new Error(`sam local start-api cannot read ${apiId}'s DefinitionBody:\n${unresolvable.join('\n')}`);
  return objectAt(resolveIntrinsics(template, body, stack));
}

/**
 * samconfig.toml: tables of `key = value` lines (strings, booleans, numbers), which is all the SAM CLI writes
 * there. Throws on anything else, so a file this reader misunderstands fails the test instead of passing it.
 */
export function readSamConfig(
  path = join(PROJECT_ROOT, 'samconfig.toml'),
): Record<string, Record<string, string | boolean | number>> {
  const tables: Record<string, Record<string, string | boolean | number>> = {};
  let current: Record<string, string | boolean | number> = {};
  tables[''] = current;
  for (const [index, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const tableName = /^\[(?<name>[\w.-]+)\]$/.exec(line)?.groups?.['name'];
    if (tableName !== undefined) {
      current = tables[tableName] = {};
      continue;
    }
    const entry = /^(?<key>[\w-]+)\s*=\s*(?<value>".*"|true|false|-?\d+(?:\.\d+)?)\s*(?:#.*)?$/.exec(line)?.groups;
    const key = entry?.['key'];
    const value = entry?.['value'];
    if (key === undefined || value === undefined)
      throw new Error(`samconfig.toml line ${index + 1} is not a key = value line this reader knows: ${line}`);
    current[key] = value.startsWith('"')
      ? (JSON.parse(value) as string)
      : value === 'true'
        ? true
        : value === 'false'
          ? false
          : Number(value);
  }
  return tables;
}

/** `--parameter-overrides` syntax (`Name=Value Name2="a b"`) as a map. */
export function parseParameterOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [, name = '', value = '', quoted] of text.matchAll(/([A-Za-z0-9]+)=("([^"]*)"|\S*)/g)) {
    overrides[name] = quoted ?? value;
  }
  return overrides;
}
