import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The files of swagger-ui-dist the docs page uses; nothing else in that folder is ever served. */
export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;
export type SwaggerUiFile = (typeof SWAGGER_UI_FILES)[number];

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
