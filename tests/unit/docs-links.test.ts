import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The documents a newcomer reads, the migration guide, the benchmarks, and the package's README (in its tarball). */
const DOCUMENTS = [
  'README.md',
  'MIGRATING.md',
  'BENCHMARKS.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'layers/middleware/README.md',
];

/** Folders whose paths a document names in backticks, e.g. `src/app.ts` or `tests/helpers/`. */
const REPOSITORY_FOLDERS = ['src', 'scripts', 'tests', 'packages', 'layers', 'docs', 'bench'];
const REPOSITORY_PATH = new RegExp(`^(?:${REPOSITORY_FOLDERS.join('|')})/[\\w./{},@-]*$`);

/** GitHub's anchor for a heading: lowercased, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (heading?.[1] === undefined) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Inline links `[text](target)` outside code, with the target as written. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] ?? '');
}

/** Every relative link and #anchor of `document` that does not resolve. */
function brokenLinks(document: string): string[] {
  const file = join(ROOT, document);
  const broken: string[] = [];
  for (const target of linksOf(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not checked offline
    const [path = '', anchor] = target.split('#');
    const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(resolved)) {
      broken.push(`${document}: ${target} (no ${relative(ROOT, resolved)})`);
      continue;
    }
    if (
      anchor !== undefined &&
      !(statSync(resolved).isFile() && anchorsOf(readFileSync(resolved, 'utf8')).has(anchor))
    ) {
      broken.push(`${document}: ${target} (no heading #${anchor} in ${relative(ROOT, resolved)})`);
    }
  }
  return broken;
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (one level of braces, as the docs use them). */
function expandBraces(path: string): string[] {
  const braces = /\{([^{}]*)\}/.exec(path);
  if (braces === null) return [path];
  const [whole, alternatives = ''] = braces;
  return alternatives.split(',').flatMap((alternative) => expandBraces(path.replace(whole, alternative)));
}

/**
 * Repository paths in inline code outside fenced blocks: `src/app.ts`, `tests/helpers/`, `tests/{unit,lambda}/`.
 * A token with a space, a `*` or a `:line` is not one (`npm run x`, `tests/**`, `src/app.ts:12` are left alone).
 */
function repositoryPathsOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/`([^`\n]+)`/g)]
    .map((match) => (match[1] ?? '').trim())
    .filter((token) => REPOSITORY_PATH.test(token))
    .flatMap(expandBraces);
}

/** Every backticked repository path of `document` that names nothing, from the root or from the document's folder. */
function missingPaths(document: string): string[] {
  const markdown = readFileSync(join(ROOT, document), 'utf8');
  return repositoryPathsOf(markdown)
    .filter((path) => !existsSync(join(ROOT, path)) && !existsSync(join(ROOT, dirname(document), path)))
    .map((path) => `${document}: \`${path}\``);
}

describe('the documentation links', () => {
  it.each(DOCUMENTS)('%s: every relative link and #anchor resolves', (document) => {
    expect(brokenLinks(document)).toEqual([]);
  });

  it.each(DOCUMENTS)('%s: every backticked repository path exists', (document) => {
    expect(missingPaths(document)).toEqual([]);
  });

  it('finds a backticked path that names nothing, and leaves commands, globs and fenced code alone', () => {
    // Arrange
    const markdown = [
      'Start at `src/app.ts` and `tests/helpers/`; the events are in `tests/fixtures/events/`.',
      'Layout: `tests/{unit,nowhere}/`. Not paths: `npm run lint`, `tests/**`, `src/app.ts:12`, `bench`.',
      '```sh',
      'cat `src/fenced-away.ts`',
      '```',
    ].join('\n');

    // Act
    const paths = repositoryPathsOf(markdown);

    // Assert
    expect(paths).toEqual(['src/app.ts', 'tests/helpers/', 'tests/fixtures/events/', 'tests/unit/', 'tests/nowhere/']);
    expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual(['tests/fixtures/events/', 'tests/nowhere/']);
  });

  it('reaches every page of docs/ from the README', () => {
    const readmeLinks = linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((target) => target.split('#')[0]);

    const unlinked = DOCUMENTS.filter((document) => document !== 'README.md' && !readmeLinks.includes(document));

    expect(unlinked).toEqual([]);
  });

  it('computes anchors as GitHub does, so a wrong one is caught', () => {
    const anchors = anchorsOf('# The first admin\n## `sam build`\n## Tests\n## Tests\n```sh\n# not a heading\n```');

    expect([...anchors]).toEqual(['the-first-admin', 'sam-build', 'tests', 'tests-1']);
  });
});
