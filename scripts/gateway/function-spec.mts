// What the gateway reads from template.yaml: the function behind the API (handler, Timeout, MemorySize,
// environment, logging), its routes from the HttpApi/Api events and the API's definition body, and the JWT
// authorizer those routes require.
import {
  isObject,
  objectAtOrEmpty,
  physicalId,
  resolveIntrinsics,
  withGlobals,
  type Json,
  type JsonObject,
  type StackContext,
} from '../cloudformation.mts';

export type PayloadFormatVersion = '1.0' | '2.0';

export interface Route {
  /** Upper-case method, or ANY. */
  readonly method: string;
  /** The route's path as the template writes it: `/`, `/health`, `/{proxy+}`, `/users/{id}`. */
  readonly path: string;
  readonly routeKey: string;
  readonly payloadFormatVersion: PayloadFormatVersion;
  /** The JWT authorizer guarding the route, by name; undefined when the route is open. */
  readonly authorizer: string | undefined;
}

export interface JwtAuthorizerSpec {
  readonly name: string;
  readonly issuer: string;
  readonly audience: readonly string[];
  /** The request header carrying the token (`$request.header.Authorization` → `authorization`). */
  readonly header: string;
}

export interface FunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly logFormat: string | undefined;
  readonly applicationLogLevel: string | undefined;
  readonly logGroupName: string;
  readonly routes: readonly Route[];
  readonly authorizers: readonly JwtAuthorizerSpec[];
}

/** The function the API events point at: `functionId`, or the template's only function with API events. */
export function readFunctionSpec(template: JsonObject, stack: StackContext, functionId?: string): FunctionSpec {
  const resources = objectAtOrEmpty(template, 'Resources');
  const candidates = Object.keys(resources).filter((id) => {
    const resource = objectAtOrEmpty(resources, id);
    if (resource['Type'] !== 'AWS::Serverless::Function') return false;
    return Object.values(objectAtOrEmpty(resource, 'Properties', 'Events')).some(
      (event) => isObject(event) && (event['Type'] === 'HttpApi' || event['Type'] === 'Api'),
    );
  });
  const logicalId = functionId ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (logicalId === undefined || !candidates.includes(logicalId)) {
    throw new Error(
      `template.yaml has ${candidates.length === 0 ? 'no function' : `functions ${candidates.join(', ')}`} with HttpApi/Api events; name one with --function`,
    );
  }
  const resolve = (value: Json): Json => resolveIntrinsics(template, value, stack);
  const properties = withGlobals(template, logicalId);
  const logging = objectAtOrEmpty(resolve(properties['LoggingConfig'] ?? {}));
  const functionName = physicalId(template, logicalId, stack);
  const variables = objectAtOrEmpty(resolve(objectAtOrEmpty(properties, 'Environment', 'Variables')));

  const routes: Route[] = [];
  const authorizers = new Map<string, JwtAuthorizerSpec>();
  for (const event of Object.values(objectAtOrEmpty(properties, 'Events'))) {
    if (!isObject(event) || (event['Type'] !== 'HttpApi' && event['Type'] !== 'Api')) continue;
    const eventProperties = objectAtOrEmpty(resolve(objectAtOrEmpty(event, 'Properties')));
    const method = String(eventProperties['Method'] ?? 'ANY').toUpperCase();
    const path = String(eventProperties['Path'] ?? '$default');
    const apiRef = objectAtOrEmpty(event, 'Properties')['ApiId'] ?? objectAtOrEmpty(event, 'Properties')['RestApiId'];
    const apiId = isObject(apiRef) && typeof apiRef['Ref'] === 'string' ? apiRef['Ref'] : undefined;
    const definition =
      apiId === undefined
        ? {}
        : objectAtOrEmpty(resolve(objectAtOrEmpty(resources, apiId, 'Properties')['DefinitionBody'] ?? {}));
    for (const scheme of jwtAuthorizersIn(definition)) authorizers.set(scheme.name, scheme);
    const operation = objectAtOrEmpty(
      definition,
      'paths',
      path,
      method === 'ANY' ? 'x-amazon-apigateway-any-method' : method.toLowerCase(),
    );
    const security = operation['security'];
    const required = Array.isArray(security)
      ? security.flatMap((entry) => (isObject(entry) ? Object.keys(entry) : []))
      : [];
    const authorizer = required.find((name) => authorizers.has(name));
    // HTTP APIs default to payload format 2.0; REST APIs (Api events) only know 1.0.
    const payload = event['Type'] === 'Api' ? '1.0' : String(eventProperties['PayloadFormatVersion'] ?? '2.0');
    if (payload !== '1.0' && payload !== '2.0')
      throw new Error(`${logicalId}: unknown PayloadFormatVersion ${payload}`);
    routes.push({
      method,
      path,
      routeKey: path === '$default' ? '$default' : `${method} ${path}`,
      payloadFormatVersion: payload,
      authorizer,
    });
  }

  return {
    logicalId,
    functionName,
    handler: String(properties['Handler'] ?? 'index.handler'),
    runtime: String(properties['Runtime'] ?? 'nodejs24.x'),
    timeoutSeconds: Number(resolve(properties['Timeout'] ?? 3)),
    memorySize: Number(resolve(properties['MemorySize'] ?? 128)),
    environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)])),
    logFormat: typeof logging['LogFormat'] === 'string' ? logging['LogFormat'] : undefined,
    applicationLogLevel:
      typeof logging['ApplicationLogLevel'] === 'string' ? logging['ApplicationLogLevel'] : undefined,
    logGroupName: typeof logging['LogGroup'] === 'string' ? logging['LogGroup'] : `/aws/lambda/${functionName}`,
    routes,
    authorizers: [...authorizers.values()],
  };
}

function jwtAuthorizersIn(definition: JsonObject): JwtAuthorizerSpec[] {
  return Object.entries(objectAtOrEmpty(definition, 'components', 'securitySchemes')).flatMap(
    ([name, scheme]): JwtAuthorizerSpec[] => {
      const authorizer = objectAtOrEmpty(scheme, 'x-amazon-apigateway-authorizer');
      if (authorizer['type'] !== 'jwt') return [];
      const configuration = objectAtOrEmpty(authorizer, 'jwtConfiguration');
      const audience = configuration['audience'];
      const source = String(authorizer['identitySource'] ?? '$request.header.Authorization');
      return [
        {
          name,
          issuer: String(configuration['issuer'] ?? ''),
          audience: Array.isArray(audience) ? audience.map(String) : [],
          header: source.replace(/^\$request\.header\./, '').toLowerCase(),
        },
      ];
    },
  );
}

/** The template's DynamoDB tables with the properties CreateTable needs, keyed by logical id. */
export function readTables(template: JsonObject, stack: StackContext): Map<string, JsonObject> {
  const tables = new Map<string, JsonObject>();
  for (const [id, resource] of Object.entries(objectAtOrEmpty(template, 'Resources'))) {
    if (!isObject(resource) || resource['Type'] !== 'AWS::DynamoDB::Table') continue;
    tables.set(id, objectAtOrEmpty(resolveIntrinsics(template, objectAtOrEmpty(resource, 'Properties'), stack)));
  }
  return tables;
}
