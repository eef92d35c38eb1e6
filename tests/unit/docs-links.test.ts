import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The documents a newcomer reads, and the package's README (shipped in its tarball). */
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'layers/middleware/README.md',
];

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

describe('the documentation links', () => {
  it.each(DOCUMENTS)('%s: every relative link and #anchor resolves', (document) => {
    expect(brokenLinks(document)).toEqual([]);
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
