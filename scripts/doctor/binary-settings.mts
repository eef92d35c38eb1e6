// What decides whether a response body survives the trip through Lambda as bytes:
//  1. serverless-express base64-encodes a body only when its content type or encoding is in binarySettings
//     (src/lambda.ts passes none: the defaults, image/* and gzip/deflate/br); any other body is sent as UTF-8
//     text, so bytes that are not UTF-8 are replaced.
//  2. An HTTP API or Function URL decodes a base64 result by itself; a REST API only for the BinaryMediaTypes
//     its template lists, and sends any other base64 result to the client as base64 text.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';

const SERVERLESS_EXPRESS_DEFAULT_TYPES = ['image/*'];
const SERVERLESS_EXPRESS_DEFAULT_ENCODINGS = ['gzip', 'deflate', 'br'];

export interface BinarySettings {
  /** serverless-express binarySettings.contentTypes, wildcards allowed. */
  readonly contentTypes: readonly string[];
  readonly contentEncodings: readonly string[];
  /** The REST API's BinaryMediaTypes, or undefined when the template declares no REST API. */
  readonly restApiBinaryMediaTypes: readonly string[] | undefined;
  readonly description: string;
}

export function readBinarySettings(
  contentTypes: readonly string[] | undefined,
  templatePath: string | undefined,
): BinarySettings {
  const types = contentTypes ?? SERVERLESS_EXPRESS_DEFAULT_TYPES;
  const rest =
    templatePath !== undefined && existsSync(templatePath)
      ? restApiBinaryMediaTypes(readFileSync(templatePath, 'utf8'))
      : undefined;
  const gateway =
    templatePath === undefined || !existsSync(templatePath)
      ? 'no template read'
      : rest === undefined
        ? `${relative(process.cwd(), templatePath)}: no REST API (HTTP APIs and Function URLs decode base64 results)`
        : `${relative(process.cwd(), templatePath)}: REST API BinaryMediaTypes ${rest.length === 0 ? '(none)' : rest.join(', ')}`;
  return {
    contentTypes: types,
    contentEncodings: SERVERLESS_EXPRESS_DEFAULT_ENCODINGS,
    restApiBinaryMediaTypes: rest,
    description: `serverless-express binary types ${types.join(', ')} (encodings ${SERVERLESS_EXPRESS_DEFAULT_ENCODINGS.join(', ')}); ${gateway}`,
  };
}

/** The union of BinaryMediaTypes over the template's REST APIs (and Globals.Api), or undefined without one. */
function restApiBinaryMediaTypes(templateText: string): string[] | undefined {
  // Short-form intrinsics (!Ref, !If, ...) are left unresolved: only literal lists matter here.
  const template = parse(templateText, { logLevel: 'silent' }) as {
    Globals?: { Api?: { BinaryMediaTypes?: unknown } };
    Resources?: Record<string, { Type?: unknown; Properties?: { BinaryMediaTypes?: unknown } }>;
  } | null;
  const restApis = Object.values(template?.Resources ?? {}).filter(
    (resource) => resource.Type === 'AWS::Serverless::Api' || resource.Type === 'AWS::ApiGateway::RestApi',
  );
  if (restApis.length === 0) return undefined;
  const lists = [template?.Globals?.Api?.BinaryMediaTypes, ...restApis.map((api) => api.Properties?.BinaryMediaTypes)];
  // SAM and API Gateway write `/` as `~1` in media types.
  return lists.flatMap((list) =>
    Array.isArray(list)
      ? list.filter((type): type is string => typeof type === 'string').map((type) => type.replaceAll('~1', '/'))
      : [],
  );
}

/** serverless-express's rule: the content type or content encoding matches the binary settings. */
export function isSentAsBase64(
  settings: BinarySettings,
  contentType: string | undefined,
  contentEncoding: string | undefined,
): boolean {
  const encodings = (contentEncoding ?? '').split(',').map((value) => value.trim());
  if (encodings.some((encoding) => settings.contentEncodings.some((binary) => encoding.includes(binary)))) return true;
  return matchesMediaType(settings.contentTypes, contentType);
}

export function matchesMediaType(patterns: readonly string[], contentType: string | undefined): boolean {
  const mediaType = ((contentType ?? '').split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType === '') return false;
  return patterns.some((pattern) =>
    new RegExp(
      `^${pattern
        .toLowerCase()
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    ).test(mediaType),
  );
}
