// The function's result, turned into the HTTP response API Gateway would send, per payload format. A result
// API Gateway cannot map throws MalformedResultError (the gateway answers 502, as API Gateway does).
import type { PayloadFormatVersion } from './function-spec.mts';

export interface HttpResponse {
  readonly statusCode: number;
  /** Header name → values; `set-cookie` keeps one entry per cookie, in order. */
  readonly headers: Map<string, string[]>;
  readonly body: Buffer;
}

export class MalformedResultError extends Error {
  constructor(reason: string) {
    super(`malformed Lambda proxy response: ${reason}`);
    this.name = 'MalformedResultError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function toHttpResponse(result: unknown, payload: PayloadFormatVersion): HttpResponse {
  if (payload === '2.0' && !(isRecord(result) && 'statusCode' in result)) {
    // Format 2.0 accepts any JSON without a statusCode: 200, the JSON as an application/json body.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return {
      statusCode: 200,
      headers: new Map([['content-type', ['application/json']]]),
      body: Buffer.from(body, 'utf8'),
    };
  }
  if (!isRecord(result))
    throw new MalformedResultError(`expected an object, got ${result === null ? 'null' : typeof result}`);
  const { statusCode, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResultError(`statusCode must be an integer from 100 to 599, got ${JSON.stringify(statusCode)}`);
  }
  if (body !== undefined && body !== null && typeof body !== 'string')
    throw new MalformedResultError(`body must be a string, got ${typeof body}`);
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean')
    throw new MalformedResultError('isBase64Encoded must be a boolean');

  const headers = new Map<string, string[]>();
  const add = (name: string, value: unknown): void => {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw new MalformedResultError(`header ${name} must have a scalar value`);
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), String(value)]);
  };
  if (result['headers'] !== undefined && result['headers'] !== null) {
    if (!isRecord(result['headers'])) throw new MalformedResultError('headers must be an object');
    for (const [name, value] of Object.entries(result['headers'])) add(name, value);
  }
  if (payload === '1.0' && result['multiValueHeaders'] !== undefined && result['multiValueHeaders'] !== null) {
    if (!isRecord(result['multiValueHeaders'])) throw new MalformedResultError('multiValueHeaders must be an object');
    for (const [name, values] of Object.entries(result['multiValueHeaders'])) {
      if (!Array.isArray(values)) throw new MalformedResultError(`multiValueHeaders.${name} must be a list`);
      // A name in both maps: API Gateway takes the multi-value list.
      headers.delete(name.toLowerCase());
      for (const value of values) add(name, value);
    }
  }
  if (payload === '2.0' && result['cookies'] !== undefined) {
    if (!Array.isArray(result['cookies'])) throw new MalformedResultError('cookies must be a list');
    for (const cookie of result['cookies']) add('set-cookie', cookie);
  }
  const text = typeof body === 'string' ? body : '';
  return {
    statusCode,
    headers,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}
