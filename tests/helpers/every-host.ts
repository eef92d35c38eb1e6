import type { Context } from 'aws-lambda';
import type { Express } from 'express';
import request from 'supertest';
import {
  albMultiValueEvent,
  eventSources,
  lambdaContext,
  type EventSource,
  type NormalizedResponse,
} from '@lambdalith/testing';

/**
 * One request as a test means it, whatever hosts it: raw body bytes and repeated headers included, which
 * each host then delivers its own way (node:http as header lines, API Gateway v1 in multiValueHeaders, HTTP
 * API and Function URLs comma-joined, an ALB with multi-value headers in multiValueHeaders only).
 */
export interface HostRequest {
  readonly method: string;
  readonly path: string;
  /** A list sends the header once per value. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string | Buffer;
  /** The client address in Lambda events (node:http always sees 127.0.0.1). */
  readonly sourceIp?: string;
}

export interface Host {
  readonly name: string;
  send(spec: HostRequest): Promise<NormalizedResponse>;
}

type LambdaHandler = (event: object, context: Context) => Promise<unknown>;

/** `npm start`'s host: the app on node:http (supertest listens on a real socket). */
export function nodeHttpHost(app: Express): Host {
  return {
    name: 'npm start (node:http)',
    async send(spec) {
      let call = request(app)[
        spec.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put' | 'options' | 'head'
      ](spec.path);
      for (const [name, value] of Object.entries(spec.headers ?? {})) call = call.set(name, value as string);
      const response = await (spec.body === undefined ? call : call.send(spec.body));
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers as Record<string, string | string[] | undefined>)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { statusCode: response.status, headers, body: response.text ?? '' };
    },
  };
}

function lambdaHost(
  name: string,
  handler: () => LambdaHandler,
  build: (spec: HostRequest) => object,
  parse: (result: unknown) => NormalizedResponse,
): Host {
  return {
    name,
    async send(spec) {
      return parse(await handler()(build(spec), lambdaContext()));
    },
  };
}

function lastValues(headers: HostRequest['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : (value.at(-1) ?? ''),
    ]),
  );
}

function lowerCaseLists(headers: HostRequest['headers']): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      typeof value === 'string' ? [value] : [...value],
    ]),
  );
}

/** The body as API Gateway delivers bytes it does not treat as text: base64. */
function bodyFields(spec: HostRequest): { body: string | null; isBase64Encoded: boolean } {
  if (spec.body === undefined) return { body: null, isBase64Encoded: false };
  return { body: Buffer.from(spec.body).toString('base64'), isBase64Encoded: true };
}

function fromSource(source: EventSource, spec: HostRequest): Record<string, unknown> {
  return source.event({
    method: spec.method,
    path: spec.path,
    headers: lastValues(spec.headers),
    ...(spec.sourceIp === undefined ? {} : { sourceIp: spec.sourceIp }),
  }) as Record<string, unknown>;
}

function byName(name: EventSource['name']): EventSource {
  const source = eventSources.find((candidate) => candidate.name === name);
  if (source === undefined) throw new Error(`no event source ${name}`);
  return source;
}

/**
 * The real Lambda handler (`src/lambda.ts`, loaded by the caller after setting the environment) behind each
 * event source: REST v1, HTTP API v2, ALB (single- and multi-value headers) and Function URL.
 */
export function lambdaHosts(handler: () => LambdaHandler): Host[] {
  const rest = byName('API Gateway REST (v1)');
  const httpApi = byName('API Gateway HTTP API (v2)');
  const alb = byName('ALB');
  const functionUrl = byName('Function URL');
  const commaJoined = (spec: HostRequest): Record<string, string> =>
    Object.fromEntries(Object.entries(lowerCaseLists(spec.headers)).map(([name, values]) => [name, values.join(',')]));
  return [
    lambdaHost(
      rest.name,
      handler,
      (spec) => {
        const event = fromSource(rest, spec);
        const multi = { ...(event['multiValueHeaders'] as Record<string, string[]>) };
        for (const [name, values] of Object.entries(spec.headers ?? {}))
          multi[name] = typeof values === 'string' ? [values] : [...values];
        return { ...event, multiValueHeaders: multi, ...bodyFields(spec) };
      },
      rest.parseResult,
    ),
    ...[httpApi, functionUrl].map((source) =>
      lambdaHost(
        source.name,
        handler,
        (spec) => {
          const event = fromSource(source, spec);
          const fields = bodyFields(spec);
          return {
            ...event,
            headers: { ...(event['headers'] as Record<string, string>), ...commaJoined(spec) },
            body: fields.body ?? undefined,
            isBase64Encoded: fields.isBase64Encoded,
          };
        },
        source.parseResult,
      ),
    ),
    lambdaHost(
      'ALB',
      handler,
      (spec) => {
        const event = fromSource(alb, spec);
        const fields = bodyFields(spec);
        // An ALB without multi-value headers passes the last value of a repeated header.
        return { ...event, body: fields.body ?? '', isBase64Encoded: fields.isBase64Encoded };
      },
      alb.parseResult,
    ),
    lambdaHost(
      'ALB (multi-value headers)',
      handler,
      (spec) => {
        // The captured multi-value ALB event; every request field below replaces the capture's.
        const event = albMultiValueEvent({ path: '/' }) as unknown as Record<string, unknown>;
        const fields = bodyFields(spec);
        const { pathname, search } = new URL(spec.path, 'http://host');
        const query = new URLSearchParams(search);
        return {
          ...event,
          httpMethod: spec.method,
          path: pathname,
          multiValueQueryStringParameters: Object.fromEntries(
            [...new Set(query.keys())].map((key) => [key, query.getAll(key)]),
          ),
          multiValueHeaders: {
            ...(event['multiValueHeaders'] as Record<string, string[]>),
            'x-forwarded-for': [spec.sourceIp ?? '203.0.113.10'],
            ...lowerCaseLists(spec.headers),
          },
          body: fields.body ?? '',
          isBase64Encoded: fields.isBase64Encoded,
        };
      },
      alb.parseResult,
    ),
  ];
}
