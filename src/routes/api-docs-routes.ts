import { join } from 'node:path';
import { Router } from 'express';
import { methodNotAllowed, NotFoundError } from '@lambdalith/middleware';
import { openApiDocument } from '../openapi/openapi-document';
import { SWAGGER_UI_FILES, swaggerUiDirectory } from '../openapi/swagger-ui-assets';

export interface ApiDocsRoutesDependencies {
  readonly version: string;
}

// The page's own script: Swagger UI cannot be started from an inline script under the CSP below. Its online
// validator (validator.swagger.io, the default for any page not on localhost) is switched off: no CDN, no
// third-party calls.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: 'none' });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>lambdalith API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/docs-initializer.js"></script>
</body>
</html>
`;

// The app-wide policy is `default-src 'none'` (an API serves no pages); this one page needs its own
// scripts and styles, its images (Swagger UI inlines some as data: URLs) and the document, all same-origin.
// Swagger UI sets inline style attributes, hence 'unsafe-inline' for styles only.
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSET_MAX_AGE_SECONDS = 86_400;
const ASSET_CACHE_CONTROL = `public, max-age=${ASSET_MAX_AGE_SECONDS}`;

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document. `GET /docs`: Swagger UI from the installed
 * swagger-ui-dist assets (no CDN), under `/docs/assets/`.
 */
export function apiDocsRoutes({ version }: ApiDocsRoutesDependencies): Router {
  const router = Router();
  const document = JSON.stringify(openApiDocument(version));
  const assets = swaggerUiDirectory();
  const servedFiles = new Set<string>(SWAGGER_UI_FILES);

  router
    .route('/openapi.json')
    .get((_req, res) => {
      res.type('application/json').send(document);
    })
    .all(methodNotAllowed());

  router
    .route('/docs')
    .get((_req, res) => {
      res.setHeader('Content-Security-Policy', PAGE_CSP);
      res.type('html').send(PAGE);
    })
    .all(methodNotAllowed());

  router
    .route('/docs/assets/:file')
    .get(async (req, res) => {
      const file = req.params['file'] ?? '';
      // Cache-Control only on an asset actually served: a cached 404 would outlive the fix for a day.
      if (file === 'docs-initializer.js') {
        res.setHeader('Cache-Control', ASSET_CACHE_CONTROL);
        res.type('text/javascript').send(INITIALIZER);
        return;
      }
      // An allowlist, not a path join on user input: nothing outside these files can be reached.
      if (assets === undefined || !servedFiles.has(file)) throw new NotFoundError('No such documentation asset');
      // swagger-ui-dist ships cross-origin-safe static files; the same-origin resource policy still applies.
      // sendFile sets the header itself once the file is found (a missing one is an error, without it).
      await new Promise<void>((resolve, reject) => {
        res.sendFile(join(assets, file), { dotfiles: 'deny', maxAge: ASSET_MAX_AGE_SECONDS * 1_000 }, (error) =>
          error === undefined ? resolve() : reject(error),
        );
      });
    })
    .all(methodNotAllowed());

  return router;
}
