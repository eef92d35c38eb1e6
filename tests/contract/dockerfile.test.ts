import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { Metafile } from 'esbuild';
import { PROJECT_ROOT } from './cloudformation';

/**
 * Dockerfile.local, checked without a Docker engine: everything it copies exists in the build context (and
 * is not excluded by .dockerignore), every npm script it runs exists, its CMD runs a file the build produces,
 * that file needs only production dependencies (the runtime stage has no others), and the base image runs
 * the Node major the project pins.
 */

const run = promisify(execFile);
const dockerfile = DockerfileParser.parse(readFileSync(join(PROJECT_ROOT, 'Dockerfile.local'), 'utf8'));
const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const workspacePackage = JSON.parse(readFileSync(join(PROJECT_ROOT, 'layers/middleware/package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const ignorePatterns = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

interface Stage {
  readonly name: string | null;
  readonly image: string;
  readonly instructions: Instruction[];
}

// Instructions grouped by the FROM that starts their stage.
const stages: Stage[] = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === 'FROM') {
    const [image = '', , name = null] = instruction.getArguments().map((argument) => argument.getValue());
    stages.push({ name, image, instructions: [] });
  } else {
    stages.at(-1)?.instructions.push(instruction);
  }
}
const finalStage = stages.at(-1);
const argumentsOf = (instruction: Instruction): string[] =>
  instruction.getArguments().map((argument) => argument.getValue());
const all = (keyword: string): Instruction[] =>
  stages.flatMap((stage) => stage.instructions.filter((instruction) => instruction.getKeyword() === keyword));
const inFinal = (keyword: string): Instruction[] =>
  finalStage?.instructions.filter((instruction) => instruction.getKeyword() === keyword) ?? [];
const fromFlag = (instruction: Instruction): string | undefined =>
  instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined;

/** .dockerignore's rule, for the patterns used here: a path is out when it or a parent folder matches. */
function isIgnored(path: string): boolean {
  const toRegExp = (pattern: string): RegExp => {
    const escaped = pattern
      .replace(/^\.\//, '')
      .replace(/\/$/, '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&');
    return new RegExp(
      `^${escaped
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\u0000/g, '(.*/)?')}$`,
    );
  };
  const parts = path.replace(/^\.\//, '').replace(/\/$/, '').split('/');
  return parts.some((_part, index) =>
    ignorePatterns.some((pattern) => toRegExp(pattern).test(parts.slice(0, index + 1).join('/'))),
  );
}

describe('Dockerfile.local', () => {
  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const sources = all('COPY')
      .filter((copy) => fromFlag(copy) === undefined)
      .flatMap((copy) =>
        argumentsOf(copy)
          .filter((argument) => !argument.startsWith('--'))
          .slice(0, -1),
      );

    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => !existsSync(join(PROJECT_ROOT, source)))).toEqual([]);
    expect(sources.filter(isIgnored)).toEqual([]);
  });

  it('copies between stages only from stages defined before', () => {
    const copies = stages.flatMap((stage, index) =>
      stage.instructions
        .filter((instruction) => instruction.getKeyword() === 'COPY' && fromFlag(instruction) !== undefined)
        .map((copy) => ({ from: fromFlag(copy), earlier: stages.slice(0, index).map((earlier) => earlier.name) })),
    );

    expect(copies.length).toBeGreaterThan(0);
    expect(copies.filter(({ from, earlier }) => !earlier.includes(from ?? null))).toEqual([]);
  });

  it('runs only npm scripts that package.json defines', () => {
    const scripts = all('RUN')
      .flatMap((instruction) => [
        ...(instruction.getArgumentsContent() ?? '').matchAll(/npm (?:run(?:-script)?|start|test)\s*([\w:-]*)/g),
      ])
      .map((match) =>
        match[0].startsWith('npm start') ? 'start' : match[0].startsWith('npm test') ? 'test' : (match[1] ?? ''),
      );

    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((script) => packageJson.scripts[script] === undefined)).toEqual([]);
  });

  it('bases every stage on the Node major the project pins', () => {
    const pinnedMajor = /(\d+)/.exec(packageJson.devDependencies['node'] ?? '')?.[1];

    expect(stages.map((stage) => /^node:(\d+)/.exec(stage.image)?.[1])).toEqual(stages.map(() => pinnedMajor));
  });

  it('runs the server as the non-root node user with node itself, exposes its port and checks /health', () => {
    const cmd = inFinal('CMD')[0];
    const healthcheck = inFinal('HEALTHCHECK')[0]?.getArgumentsContent() ?? '';
    const env = inFinal('ENV')
      .map((instruction) => instruction.getArgumentsContent() ?? '')
      .join(' ');

    expect(cmd?.getArgumentsContent()).toBe('["node", "dist/server.js"]');
    expect(inFinal('USER').map(argumentsOf)).toEqual([['node']]);
    expect(inFinal('EXPOSE').map(argumentsOf)).toEqual([[/PORT=(\d+)/.exec(env)?.[1]]]);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    expect(healthcheck).toMatch(/^CMD \["node", "-e", ".*\/health'/);
  });

  it('gives the final stage a JRE for the embedded DynamoDB Local', () => {
    const installs = inFinal('RUN').map((instruction) => instruction.getArgumentsContent() ?? '');

    expect(installs.some((command) => /apt-get install .*(default|openjdk-\d+)-jre-headless/.test(command))).toBe(true);
  });

  describe('its build', () => {
    let out: string;

    beforeAll(async () => {
      out = mkdtempSync(join(tmpdir(), 'lambdalith-docker-'));
      // What the build stage runs (`npm run build -- local`), sent to a temp folder instead of dist/.
      const buildRun = all('RUN')
        .map((instruction) => instruction.getArgumentsContent() ?? '')
        .find((command) => command.startsWith('npm run build'));
      const [, script = '', extraArguments = ''] = /^npm run (\S+)(?: -- (.*))?$/.exec(buildRun ?? '') ?? [];
      const [node = '', ...command] = (packageJson.scripts[script] ?? '').split(' ');
      if (node !== 'node')
        throw new Error(`the build script is no longer "node …": ${packageJson.scripts[script] ?? ''}`);
      await run(
        process.execPath,
        [
          ...command,
          ...extraArguments.split(' '),
          '--out-local',
          join(out, 'dist'),
          '--local-metafile',
          join(out, 'local.meta.json'),
        ],
        { cwd: PROJECT_ROOT },
      );
    }, 60_000);

    afterAll(() => {
      rmSync(out, { recursive: true, force: true });
    });

    it('produces the file CMD runs', () => {
      const [, target = ''] = JSON.parse(inFinal('CMD')[0]?.getArgumentsContent() ?? '[]') as string[];

      expect(existsSync(join(out, target))).toBe(true);
    });

    it('leaves external only packages the production install (npm ci --omit=dev) provides', () => {
      // Arrange
      const metafile = JSON.parse(readFileSync(join(out, 'local.meta.json'), 'utf8')) as Metafile;
      const production = new Set([
        ...Object.keys(packageJson.dependencies),
        ...Object.keys(workspacePackage.dependencies),
      ]);
      const builtins = new Set(builtinModules);
      const packageOf = (path: string): string =>
        path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : (path.split('/')[0] ?? path);

      // Act
      const external = Object.values(metafile.outputs).flatMap((output) =>
        output.imports.filter((imported) => imported.external).map((imported) => imported.path),
      );
      const notProduction = external.filter(
        (path) => !path.startsWith('node:') && !builtins.has(path) && !production.has(packageOf(path)),
      );

      // Assert
      expect(external.length).toBeGreaterThan(0);
      expect([...new Set(notProduction)]).toEqual([]);
    });
  });
});
