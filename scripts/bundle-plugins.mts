// esbuild plugins that keep the Lambda bundles (the function and the layer's) small without changing what the
// code does. Each one's effect is measured in BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

const SKIP = Symbol('own resolution');
// (Tried and rejected: lodash's per-method modules for express-validator made the bundle bigger; BENCHMARKS.md.)
const packageRoot = (path: string): string | undefined => /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

/**
 * npm installs a package once per place its version is needed (mime-types@3 and mime-db sit four times under
 * express's dependencies). A bundle needs each name@version once: every import of a copy resolves to the
 * first copy seen.
 */
export const oneCopyPerPackageVersion: Plugin = {
  name: 'one-copy-per-package-version',
  setup(build) {
    const firstCopy = new Map<string, string>();
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === SKIP) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: SKIP,
      });
      const root = resolved.errors.length > 0 || resolved.external ? undefined : packageRoot(resolved.path);
      if (root === undefined) return undefined;
      const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      const key = `${name}@${version}`;
      const first = firstCopy.get(key) ?? root;
      firstCopy.set(key, first);
      return { path: first + resolved.path.slice(root.length), sideEffects: resolved.sideEffects };
    });
  },
};

/**
 * iconv-lite's legacy code pages (single- and double-byte tables: ~490 kB minified) stay out. What is left are
 * its own codecs: UTF-8, UTF-16, UTF-32, UTF-7, UCS-2, Latin-1/binary, ASCII, base64, hex. Only body-parser
 * uses iconv-lite (express.json(), express.text(), …, which decode a request body in its declared charset); the
 * app parses JSON with the middleware's jsonBody(), which accepts UTF-8 only. A body in a legacy charset gets
 * body-parser's usual 415 "unsupported charset".
 */
export const iconvLiteUnicodeOnly: Plugin = {
  name: 'iconv-lite-unicode-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/encodings$/ }, (args) =>
      /\/node_modules\/iconv-lite\/lib\/index\.js$/.test(args.importer)
        ? { path: join(dirname(args.importer), '../encodings/index.js'), namespace: 'iconv-lite-unicode-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'iconv-lite-unicode-only' }, (args) => ({
      resolveDir: dirname(args.path),
      loader: 'js',
      contents: [
        'var mergeModules = require("../lib/helpers/merge-exports");',
        'var modules = [require("./internal"), require("./utf32"), require("./utf16"), require("./utf7")];',
        'for (var i = 0; i < modules.length; i++) mergeModules(exports, modules[i]);',
      ].join('\n'),
    }));
  },
};

/** Every plugin above, in the order they must run. */
export const leanBundlePlugins: Plugin[] = [iconvLiteUnicodeOnly, oneCopyPerPackageVersion];
