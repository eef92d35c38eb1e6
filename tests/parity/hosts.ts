import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Context } from 'aws-lambda';
import { lambdaContext } from '@lambdalith/testing';
import { applicationLoadBalancer, functionUrl, httpApiV2 } from '@lambdalith/testing';
import { send, PROJECT_ROOT, type RawResponse } from '../gateway/helpers';
import type { ParityCase } from './cases';

/** A place a request can be sent: an HTTP server, or the Lambda handler with one event source's events. */
export interface Host {
  readonly name: string;
  send(request: ParityCase, headers: Record<string, string>): Promise<RawResponse>;
}

export function httpHost(name: string, url: string): Host {
  return {
    name,
    send: (request, headers) =>
      send(url, {
        method: request.method,
        path: request.path,
        headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      }),
  };
}

/** The local server (`npm start`'s dist/server.js), built into node_modules/.cache so its packages resolve. */
export async function startLocalServer(
  env: Record<string, string>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const cacheDir = join(PROJECT_ROOT, 'node_modules/.cache');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'lambdalith-parity-'));
  await promisify(execFile)(
    process.execPath,
    [join(PROJECT_ROOT, 'scripts/build.mts'), 'local', '--out-local', outDir],
    { cwd: PROJECT_ROOT },
  );
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', join(outDir, 'server.js')], {
    cwd: tmpdir(),
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the local server exited (${String(code)}):\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

type Handler = (event: object, context: Context) => Promise<unknown>;

interface EventShape {
  readonly event: (request: ParityCase, headers: Record<string, string>) => Record<string, unknown>;
}

function withBody(event: Record<string, unknown>, body: Buffer | undefined): Record<string, unknown> {
  if (body === undefined) return event;
  // Binary-safe: a body that is not valid UTF-8 (gzip) goes base64-encoded, as the services send it.
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body)
    ? { ...event, body: text, isBase64Encoded: false }
    : { ...event, body: body.toString('base64'), isBase64Encoded: true };
}

const spec = (
  request: ParityCase,
  headers: Record<string, string>,
): { method: string; path: string; headers: Record<string, string>; sourceIp: string } => ({
  method: request.method,
  path: request.path,
  headers,
  sourceIp: '127.0.0.1',
});

export const ALB_EVENTS: EventShape = {
  event: (request, headers) =>
    withBody(applicationLoadBalancer.event(spec(request, headers)) as Record<string, unknown>, request.body),
};
export const FUNCTION_URL_EVENTS: EventShape = {
  event: (request, headers) =>
    withBody(functionUrl.event(spec(request, headers)) as Record<string, unknown>, request.body),
};

/**
 * What `sam local start-api` sends (SAM CLI 1.164, payload 2.0), its quirks kept on purpose: one constant
 * requestId, a frozen timeEpoch, header names Title-Cased as the client sent them, and the path percent-decoded.
 */
export const SAM_LOCAL_QUIRKS = {
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  timeEpoch: 1_428_582_896_000,
  titleCase: (name: string): string =>
    name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`),
};

export const SAM_LOCAL_EVENTS: EventShape = {
  event(request, headers) {
    const event = httpApiV2.event(spec(request, {})) as Record<string, unknown> & {
      requestContext: Record<string, unknown> & { http: Record<string, unknown> };
    };
    const decodedPath = decodeURIComponent(String(event['rawPath']));
    return withBody(
      {
        ...event,
        rawPath: decodedPath,
        headers: Object.fromEntries(
          Object.entries({ host: '127.0.0.1:3000', 'user-agent': 'parity', ...headers }).map(([name, value]) => [
            SAM_LOCAL_QUIRKS.titleCase(name),
            value,
          ]),
        ),
        requestContext: {
          ...event.requestContext,
          requestId: SAM_LOCAL_QUIRKS.requestId,
          timeEpoch: SAM_LOCAL_QUIRKS.timeEpoch,
          http: { ...event.requestContext.http, path: decodedPath },
        },
      },
      request.body,
    );
  },
};

/** The handler invoked directly with one event source's events; the result read as that source defines it. */
export function handlerHost(name: string, handler: () => Handler, shape: EventShape): Host {
  return {
    name,
    async send(request, headers) {
      const result = (await handler()(shape.event(request, headers), lambdaContext())) as {
        statusCode: number;
        headers?: Record<string, string>;
        multiValueHeaders?: Record<string, string[]>;
        cookies?: string[];
        body?: string;
        isBase64Encoded?: boolean;
      };
      const collected: Record<string, string[]> = {};
      for (const [header, value] of Object.entries(result.headers ?? {})) {
        collected[header.toLowerCase()] = [...(collected[header.toLowerCase()] ?? []), String(value)];
      }
      for (const [header, values] of Object.entries(result.multiValueHeaders ?? {}))
        collected[header.toLowerCase()] = values.map(String);
      if (result.cookies !== undefined && result.cookies.length > 0) collected['set-cookie'] = [...result.cookies];
      const body =
        result.isBase64Encoded === true
          ? Buffer.from(result.body ?? '', 'base64')
          : Buffer.from(result.body ?? '', 'utf8');
      return {
        status: result.statusCode,
        headers: collected,
        body: request.method === 'HEAD' ? Buffer.alloc(0) : body,
      };
    },
  };
}
