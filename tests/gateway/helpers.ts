import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Test helpers for processes of the local gateway (scripts/gateway/main.mts) and raw HTTP to them. */

export const PROJECT_ROOT = join(__dirname, '../..');
const GATEWAY = join(PROJECT_ROOT, 'scripts/gateway/main.mts');
const run = promisify(execFile);

export interface BuiltArtifacts {
  readonly dir: string;
  readonly functionDir: string;
  readonly layerDir: string;
}

/** The function and layer built once from source (what `npm run build` makes), outside the checkout. */
export async function buildArtifacts(): Promise<BuiltArtifacts> {
  const dir = mkdtempSync(join(tmpdir(), 'lambdalith-gateway-test-'));
  const functionDir = join(dir, 'function');
  const layerDir = join(dir, 'layer');
  await run(
    process.execPath,
    [
      join(PROJECT_ROOT, 'scripts/build.mts'),
      'function',
      'layer',
      '--out-function',
      functionDir,
      '--out-layer',
      layerDir,
    ],
    { cwd: PROJECT_ROOT },
  );
  return { dir, functionDir, layerDir };
}

export interface GatewayProcess {
  readonly url: string;
  /** Everything the gateway and the function wrote so far. */
  output(): string;
  /** Resolves when the output matches `pattern` (log lines travel through a pipe of their own). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Writes a SAM-style --env-vars file for ApiFunction and returns its path. */
/**
 * A layer for the echo function under `dir/layer`: one package, `echo-layer-marker`, which the function requires
 * to prove the layer resolves through NODE_PATH. Returns the layer folder (`--layer-dir`).
 */
export function writeEchoLayer(dir: string): string {
  const marker = join(dir, 'layer/nodejs/node_modules/echo-layer-marker');
  mkdirSync(marker, { recursive: true });
  writeFileSync(
    join(marker, 'package.json'),
    JSON.stringify({ name: 'echo-layer-marker', version: '1.0.0', main: 'index.js' }),
  );
  writeFileSync(join(marker, 'index.js'), 'module.exports = { fromLayer: true };\n');
  return join(dir, 'layer');
}

export function envVarsFile(dir: string, variables: Record<string, string>): string {
  const path = join(dir, `env-vars-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ ApiFunction: variables }));
  return path;
}

/** Starts the gateway on a free port with `args` and waits until it listens. */
export async function startGateway(args: readonly string[]): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(process.execPath, [GATEWAY, '--port', '0', '--no-watch', ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /gateway listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${String(code)}):\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = pattern.exec(output);
          if (match === null) return false;
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          resolve(match[0]);
          return true;
        };
        const timer = setTimeout(() => {
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          reject(new Error(`no output matched ${String(pattern)} within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        if (!check()) {
          child.stdout?.on('data', check);
          child.stderr?.on('data', check);
        }
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts several gateways; if one fails to start, stops the others before failing. */
export async function startGateways<const T extends readonly (readonly string[])[]>(
  argLists: T,
): Promise<{ -readonly [K in keyof T]: GatewayProcess }> {
  const outcomes = await Promise.allSettled(argLists.map((args) => startGateway(args)));
  const started = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(started.map((gateway) => gateway.stop()));
    throw failed.reason;
  }
  return started as { -readonly [K in keyof T]: GatewayProcess };
}

export interface RawResponse {
  readonly status: number;
  /** Header values by lower-case name, in the order received (Set-Cookie one entry per cookie). */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method: string;
  /** Sent exactly as given: nothing is encoded or normalised. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  readonly body?: Buffer;
}

/** One HTTP request with node:http, byte for byte (no decompression, no path normalisation). */
export function send(baseUrl: string, spec: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        hostname,
        port,
        method: spec.method,
        path: spec.path,
        headers: {
          ...spec.headers,
          ...(spec.body === undefined ? {} : { 'content-length': String(spec.body.length) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers: Record<string, string[]> = {};
          for (let index = 0; index + 1 < response.rawHeaders.length; index += 2) {
            const name = (response.rawHeaders[index] ?? '').toLowerCase();
            headers[name] = [...(headers[name] ?? []), response.rawHeaders[index + 1] ?? ''];
          }
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(spec.body);
  });
}

export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
