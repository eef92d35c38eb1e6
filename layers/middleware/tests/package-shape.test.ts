import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as middleware from '@lambdalith/middleware';

// The package is meant to be copied into other Express apps, so its shape is part of its contract:
// one public entry point, documented exports, Express as a peer, nothing from the app, no AWS SDK.

const packageDir = resolve(__dirname, '..');
const sourceDir = join(packageDir, 'src');
const indexSource = readFileSync(join(sourceDir, 'index.ts'), 'utf8');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every `export { ... } from './local/module'` of index.ts, as [name, module file]. */
function localExports(): [string, string][] {
  const pairs: [string, string][] = [];
  for (const match of indexSource.matchAll(/export\s*\{([^}]*)\}\s*from\s*'(\.[^']+)'/g)) {
    const [, names = '', from = ''] = match;
    for (const raw of names.split(',')) {
      const name = raw.replace(/^\s*type\s+/, '').trim();
      if (name !== '') pairs.push([name, join(sourceDir, `${from}.ts`)]);
    }
  }
  return pairs;
}

/**
 * The TSDoc block right before `name`'s declaration in `file`, or undefined (also for re-exported third-party names).
 */
function docOf(name: string, file: string): string | undefined {
  const source = readFileSync(file, 'utf8');
  const declaration = new RegExp(
    `export\\s+(?:declare\\s+)?(?:async\\s+)?(?:function|class|interface|type|const|let|enum)\\s+${name}\\b`,
  );
  const found = declaration.exec(source);
  if (found === null) return undefined;
  const before = source.slice(0, found.index).trimEnd();
  if (!before.endsWith('*/')) return '';
  return before.slice(before.lastIndexOf('/**'));
}

function reexportedFromPackage(name: string, file: string): boolean {
  const source = readFileSync(file, 'utf8');
  return (
    new RegExp(`export\\s*(?:type\\s*)?\\{[^}]*\\b${name}\\b[^}]*\\}(\\s*from\\s*'[^.][^']*')?;`).test(source) &&
    docOf(name, file) === undefined
  );
}

describe('the @lambdalith/middleware package', () => {
  it('has one entry point: the exports map offers "." only', () => {
    expect(Object.keys(manifest.exports)).toEqual(['.']);
  });

  it('documents every export of its own with TSDoc that has an @example', () => {
    const undocumented = localExports()
      .filter(([name, file]) => !reexportedFromPackage(name, file))
      .filter(([name, file]) => !(docOf(name, file) ?? '').includes('@example'))
      .map(([name, file]) => `${name} (${relative(packageDir, file)})`);

    expect(undocumented).toEqual([]);
  });

  it('exports every middleware factory as a function returning a named middleware', () => {
    const factories = [
      middleware.requestContext(),
      middleware.securityHeaders(),
      middleware.corsPolicy({ origins: [] }),
      middleware.notFound(),
      middleware.methodNotAllowed(),
      middleware.jsonBody(),
      middleware.errorHandler(),
      middleware.validate(middleware.body('a').isString()),
      middleware.rateLimit({
        store: new middleware.MemoryRateLimitStore(),
        limit: 1,
        windowSeconds: 1,
        keyPrefix: 'p',
      }),
      middleware.requestLogger({ logger: middleware.createLogger({ serviceName: 's', level: 'SILENT' }) }),
      middleware.requestMetrics({
        metrics: middleware.createMetrics({ namespace: 'n', serviceName: 's', enabled: false }),
      }),
      middleware.authenticate({ hs256Secret: 'x'.repeat(32), issuer: 'i', audience: 'a' }),
      middleware.requireRole('admin'),
    ];

    for (const handler of factories) expect(handler.name).toMatch(/^[a-z][A-Za-z]+Middleware$/);
  });

  it('takes Express as a peer dependency and ships no AWS SDK', () => {
    expect(manifest.peerDependencies).toHaveProperty('express');
    expect(Object.keys(manifest.dependencies)).not.toContain('express');
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
  });

  it('imports nothing from the app and no AWS SDK', () => {
    const offending = sourceFiles(sourceDir).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)]
        .map((match) => match[1] ?? '')
        .filter(
          (specifier) =>
            specifier.startsWith('@aws-sdk/') ||
            (specifier.startsWith('.') && !resolve(file, '..', specifier).startsWith(packageDir)),
        )
        .map((specifier) => `${relative(packageDir, file)} → ${specifier}`),
    );

    expect(offending).toEqual([]);
  });

  it('has tests that never reach outside the package (the shared Lambda test kit comes by name, @lambdalith/testing)', () => {
    const testsDir = join(packageDir, 'tests');

    const outside = sourceFiles(testsDir).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*['"](\.[^'"]+)['"]/g)]
        .map((match) => resolve(file, '..', match[1] ?? ''))
        .filter((target) => !target.startsWith(packageDir))
        .map((target) => `${relative(packageDir, file)} → ${relative(packageDir, target)}`),
    );

    expect(outside).toEqual([]);
  });
});
