import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import swaggerUiFiles from './swagger-ui-files.json';

/**
 * The files of swagger-ui-dist the docs page uses; nothing else in that folder is ever served. Kept as
 * JSON so the build (`scripts/build.mts`, plain Node) copies exactly these files beside the Lambda bundle.
 */
export const SWAGGER_UI_FILES: readonly string[] = swaggerUiFiles;

/**
 * Where swagger-ui-dist's files are: beside the Lambda bundle (the build copies them to
 * `dist/function/swagger-ui/`, since the bundle has no node_modules), else the installed package (npm
 * start, tests). `undefined` when neither exists; the docs page then answers 404 for its assets.
 */
export function swaggerUiDirectory(): string | undefined {
  const besideBundle = join(__dirname, 'swagger-ui');
  if (existsSync(join(besideBundle, 'swagger-ui-bundle.js'))) return besideBundle;
  try {
    return dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}
