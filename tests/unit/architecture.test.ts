import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The one-way layers of the app (docs/development.md, "Architecture"), checked on the real import graph of
 * src/ and of the middleware package. biome.json encodes the same rules per folder for the editor; this
 * test is the complete statement, and it also catches an edge Biome's patterns cannot see (a path that
 * climbs out and back in).
 */

const ROOT = resolve(__dirname, '../..');

type Layer = 'host' | 'wiring' | 'routes' | 'openapi' | 'domain' | 'data' | 'email' | 'local' | 'config' | 'middleware';

/** Which layer a file belongs to; a file under src/ that matches none fails the test (place new folders here). */
const LAYERS: ReadonlyArray<readonly [RegExp, Layer]> = [
  [/^src\/(lambda|server|create-admin)\.ts$/, 'host'],
  [/^src\/(app|dependencies)\.ts$/, 'wiring'],
  [/^src\/(config|secrets|secret-strength|layer-compatibility)\.ts$/, 'config'],
  [/^src\/routes\//, 'routes'],
  [/^src\/openapi\//, 'openapi'],
  [/^src\/domain\//, 'domain'],
  [/^src\/data\//, 'data'],
  [/^src\/email\//, 'email'],
  [/^src\/local\//, 'local'],
  [/^layers\/middleware\/src\//, 'middleware'],
];

/**
 * What each layer may import besides itself: hosts → wiring → routes → domain; adapters (data, email) →
 * domain; the middleware package → nothing of the app. `config` is the validated environment, which hosts
 * read and adapters take their settings from.
 */
const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  host: ['wiring', 'routes', 'openapi', 'domain', 'data', 'email', 'local', 'config'],
  wiring: ['routes', 'openapi', 'domain', 'data', 'email', 'config'],
  routes: ['openapi', 'domain'],
  openapi: ['domain'],
  domain: [],
  data: ['domain', 'config'],
  email: ['domain', 'config'],
  local: ['data', 'config'],
  config: [],
  middleware: [],
};

/** Packages a layer must not import, and why. */
const FORBIDDEN_PACKAGES: Partial<Record<Layer, readonly (readonly [RegExp, string])[]>> = {
  domain: [[/^(?!node:)/, 'the domain imports only itself and node: (no express, AWS SDK or middleware)']],
  routes: [[/^@aws-sdk\//, 'routes reach AWS only through a domain port']],
  openapi: [[/^(express|@aws-sdk\/.*)$/, 'the OpenAPI document is data']],
  data: [[/^express$/, 'adapters know no HTTP']],
  email: [[/^express$/, 'adapters know no HTTP']],
  middleware: [[/^@aws-sdk\//, 'the layer would shadow the runtime SDK on NODE_PATH']],
};

interface ImportEdge {
  /** The importing file, relative to the project root. */
  readonly from: string;
  /** The imported file (relative to the root) or the package specifier. */
  readonly to: string;
}

function layerOf(file: string): Layer | undefined {
  return LAYERS.find(([pattern]) => pattern.test(file))?.[1];
}

/** The edges that break the rules, each with the reason. */
function forbiddenEdges(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const source = layerOf(from);
    if (source === undefined) continue;
    const isFile = to.startsWith('src/') || to.startsWith('layers/') || to.startsWith('tests/') || to.startsWith('../');
    if (!isFile) {
      for (const [pattern, why] of FORBIDDEN_PACKAGES[source] ?? []) {
        if (pattern.test(to)) problems.push(`${from} → ${to}: ${source} must not import this package (${why})`);
      }
      continue;
    }
    const target = layerOf(to);
    if (source === 'middleware' && !to.startsWith('layers/middleware/')) {
      problems.push(`${from} → ${to}: the middleware package imports nothing from outside itself`);
    } else if (target === undefined) {
      if (to.startsWith('src/')) problems.push(`${from} → ${to}: not in any layer`);
    } else if (target !== source && !ALLOWED[source].includes(target)) {
      const allowed = ALLOWED[source].length === 0 ? 'only itself' : ALLOWED[source].join(', ');
      problems.push(`${from} → ${to}: ${source} must not import ${target} (${source} may import ${allowed})`);
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.m?ts$/.test(name) ? [path] : [];
  });
}

/** Import specifiers of a module: static and dynamic imports, re-exports and require(), comments ignored. */
function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1] ?? ''));
}

function resolveFile(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.mts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not this one.
    }
  }
  return base;
}

/** The real import graph of src/ and of the middleware package's source. */
function importGraph(): ImportEdge[] {
  const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'layers/middleware/src'))];
  return files.flatMap((file) =>
    specifiersOf(readFileSync(file, 'utf8')).map((specifier) => ({
      from: relative(ROOT, file),
      to: specifier.startsWith('.') ? relative(ROOT, resolveFile(file, specifier)) : specifier,
    })),
  );
}

describe('the architecture', () => {
  const graph = importGraph();

  it('reads the real import graph: every file of src/ is in a layer, and the graph has the edges it should', () => {
    const unplaced = sourceFiles(join(ROOT, 'src'))
      .map((file) => relative(ROOT, file))
      .filter((file) => layerOf(file) === undefined);

    expect(unplaced).toEqual([]);
    expect(graph).toEqual(
      expect.arrayContaining([
        { from: 'src/data/dynamodb-user-repository.ts', to: 'src/domain/user-repository.ts' },
        { from: 'src/app.ts', to: 'src/routes/problem-map.ts' },
        { from: 'src/domain/user-service.ts', to: 'node:crypto' },
      ]),
    );
  });

  it('has no forbidden edge: hosts → wiring → routes → domain, data → domain, nothing back', () => {
    expect(forbiddenEdges(graph)).toEqual([]);
  });

  it.each([
    ['domain → data', 'src/domain/user-service.ts', 'src/data/dynamodb-user-repository.ts'],
    ['domain → routes', 'src/domain/user-service.ts', 'src/routes/problem-map.ts'],
    ['domain → express', 'src/domain/user-service.ts', 'express'],
    ['domain → an AWS SDK', 'src/domain/user.ts', '@aws-sdk/lib-dynamodb'],
    ['domain → the middleware package', 'src/domain/pagination-cursor.ts', '@lambdalith/middleware'],
    ['routes → data', 'src/routes/health-routes.ts', 'src/data/table-readiness.ts'],
    ['data → routes', 'src/data/table-readiness.ts', 'src/routes/problem-map.ts'],
    ['openapi → routes', 'src/openapi/openapi-document.ts', 'src/routes/user-validators.ts'],
    ['the middleware package → the app', 'layers/middleware/src/index.ts', 'src/config.ts'],
    ['the middleware package → an AWS SDK', 'layers/middleware/src/index.ts', '@aws-sdk/client-dynamodb'],
  ])('flags %s', (_edge, from, to) => {
    expect(forbiddenEdges([{ from, to }])).toEqual([expect.stringContaining(`${from} → ${to}: `)]);
  });

  it.each([
    ['data → domain', 'src/data/dynamodb-user-repository.ts', 'src/domain/errors.ts'],
    ['routes → the middleware package', 'src/routes/caller.ts', '@lambdalith/middleware'],
    ['wiring → data', 'src/dependencies.ts', 'src/data/dynamodb-client.ts'],
    ['a host → local', 'src/server.ts', 'src/local/local-database.ts'],
  ])('allows %s', (_edge, from, to) => {
    expect(forbiddenEdges([{ from, to }])).toEqual([]);
  });
});
