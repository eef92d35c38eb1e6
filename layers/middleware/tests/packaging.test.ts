import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  consumerEnv as env,
  installPackedMiddleware,
  packMiddleware,
  type PackedManifest,
} from './helpers/packed-package';

// What `npm pack` makes of the package, used the way another project would use it: extracted into a folder
// outside the repository, loaded by plain Node (not jest, not the `source` condition), its declarations read by
// a consumer's tsc (see helpers/packed-package.ts for how it is installed offline).

let consumerDir = '';
let installedDir = '';
let manifest: PackedManifest;

beforeAll(() => {
  consumerDir = mkdtempSync(join(tmpdir(), 'lambdalith-middleware-consumer-'));
  const tarball = packMiddleware(join(consumerDir, 'pack'));
  ({ installedDir, manifest } = installPackedMiddleware(tarball, consumerDir, ['@types']));
}, 60_000);

afterAll(() => {
  if (consumerDir !== '') rmSync(consumerDir, { recursive: true, force: true });
});

/** Every file the packed tarball holds, relative to the package root. */
function packedFiles(dir = installedDir, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? packedFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('the packed @lambdalith/middleware', () => {
  it('ships the built bundle, its declarations, the source every export condition points to, and its README', () => {
    const files = packedFiles();
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports['.'] ?? {})].map((target) =>
      target.replace(/^\.\//, ''),
    );

    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']),
    );
    expect(targets.filter((target) => !files.includes(target))).toEqual([]);
    expect(files.filter((file) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts)|src\/.+\.ts)$/.test(file))).toEqual(
      [],
    );
  });

  it('loads with plain require() outside the repository, and its errorHandler and token round trip work', () => {
    const script = `
      const { once } = require('node:events');
      const express = require('express');
      const m = require('@lambdalith/middleware');
      (async () => {
        const options = { hs256Secret: 'a-packaging-test-secret-of-more-than-32-bytes', issuer: 'pack', audience: 'pack-api' };
        const { accessToken } = await m.createTokenIssuer({ ...options, ttlSeconds: 60 }).issue('user-1', { roles: ['admin'] });
        const app = express();
        app.use(m.requestContext());
        app.get('/me', m.authenticate(options), m.requireRole('admin'), (req, res) => { res.json(m.getAuth(req)); });
        app.get('/boom', () => { throw new m.ConflictError('Already there', { code: 'TAKEN' }); });
        app.use(m.notFound());
        app.use(m.errorHandler());
        const server = app.listen(0, '127.0.0.1');
        await once(server, 'listening');
        const base = 'http://127.0.0.1:' + server.address().port;
        const answer = async (path, headers) => {
          const response = await fetch(base + path, { headers });
          return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
        };
        const result = {
          resolvedFrom: require.resolve('@lambdalith/middleware'),
          me: await answer('/me', { authorization: 'Bearer ' + accessToken }),
          anonymous: await answer('/me', {}),
          conflict: await answer('/boom', {}),
        };
        server.close();
        process.stdout.write(JSON.stringify(result));
      })().catch((error) => { console.error(error); process.exit(1); });
    `;

    const output = execFileSync(process.execPath, ['-e', script], { cwd: consumerDir, env, encoding: 'utf8' });

    expect(JSON.parse(output)).toEqual({
      resolvedFrom: join(installedDir, 'dist/index.js'),
      me: {
        status: 200,
        type: expect.stringMatching(/^application\/json/),
        body: { userId: 'user-1', roles: ['admin'], claims: expect.objectContaining({ sub: 'user-1' }) },
      },
      anonymous: {
        status: 401,
        type: 'application/problem+json; charset=utf-8',
        body: expect.objectContaining({ status: 401, code: 'UNAUTHORIZED' }),
      },
      conflict: {
        status: 409,
        type: 'application/problem+json; charset=utf-8',
        body: expect.objectContaining({ code: 'TAKEN', detail: 'Already there' }),
      },
    });
  });

  it('gives a TypeScript consumer the declared types (not any) without the source condition', () => {
    writeFileSync(
      join(consumerDir, 'consumer.ts'),
      `
      import express from 'express';
      import { authenticate, createTokenIssuer, errorHandler, getAuth, type Principal, type TokenIssuer } from '@lambdalith/middleware';

      // Fails to compile when T is any, which is what a missing or unresolved declaration would give.
      type IsAny<T> = 0 extends 1 & T ? true : false;
      export const handlerIsTyped: IsAny<typeof errorHandler> = false;
      export const principalIsTyped: IsAny<Principal> = false;

      const tokens: TokenIssuer = createTokenIssuer({ hs256Secret: 'x'.repeat(32), issuer: 'i', audience: 'a', ttlSeconds: 60 });
      const app = express();
      app.get('/me', authenticate({ hs256Secret: 'x'.repeat(32), issuer: 'i', audience: 'a' }), (req, res) => {
        const principal: Principal = getAuth(req);
        res.json({ userId: principal.userId, roles: [...principal.roles] });
      });
      app.use(errorHandler());
      export { app, tokens };
      `,
    );
    writeFileSync(
      join(consumerDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2023',
          noEmit: true,
          types: ['node'],
          esModuleInterop: true,
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');

    const run = spawnSync(process.execPath, [tsc, '-p', consumerDir], { cwd: consumerDir, env, encoding: 'utf8' });

    expect({ status: run.status, diagnostics: `${run.stdout}${run.stderr}` }).toEqual({ status: 0, diagnostics: '' });
  });
});
