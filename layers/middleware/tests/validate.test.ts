import express, { type Express } from 'express';
import request from 'supertest';
import {
  body,
  errorHandler,
  jsonBody,
  param,
  query,
  validate,
  validatedData,
  type ValidationChain,
} from '@lambdalith/middleware';

/** A tiny app with a body route, a query route and a param route, each echoing validatedData(). */
function validatingApp(): Express {
  const app = express();
  app.post(
    '/register',
    jsonBody(),
    validate(
      body('email').isEmail().withMessage('Must be an email address').normalizeEmail(),
      body('name').optional().isString().trim().isLength({ min: 1, max: 50 }).withMessage('Must be 1 to 50 characters'),
    ),
    (req, res) => {
      res.json({ data: validatedData(req), rawBody: req.body });
    },
  );
  app.get(
    '/users',
    validate(query('limit').optional().isInt({ min: 1, max: 100 }).toInt(), query('cursor').optional().isString()),
    (req, res) => {
      res.json({ data: validatedData<{ limit?: number; cursor?: string }>(req) });
    },
  );
  app.get('/users/:id', validate(param('id').isUUID().withMessage('Must be a UUID')), (req, res) => {
    res.json({ data: validatedData(req) });
  });
  app.use(errorHandler());
  return app;
}

describe('validate()', () => {
  it('passes valid input on, and validatedData() returns it sanitised', async () => {
    const response = await request(validatingApp())
      .post('/register')
      .send({ email: 'Ada@Example.COM', name: '  Ada ' });

    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ email: 'ada@example.com', name: 'Ada' });
  });

  it('answers a 400 problem listing every failing field as { field, message }', async () => {
    const response = await request(validatingApp()).post('/register').send({ email: 'not-an-email', name: '' });

    expect(response).toMatchObject({
      status: 400,
      headers: { 'content-type': expect.stringMatching(/^application\/problem\+json/) },
      body: {
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [
          { field: 'email', message: 'Must be an email address' },
          { field: 'name', message: 'Must be 1 to 50 characters' },
        ],
      },
    });
  });

  it('rejects body fields no rule mentions', async () => {
    const response = await request(validatingApp()).post('/register').send({ email: 'ada@example.com', role: 'admin' });

    expect(response).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'role', message: 'Unknown field' }] },
    });
  });

  it('rejects a query parameter given twice (Express 5 would make it an array)', async () => {
    const response = await request(validatingApp()).get('/users?limit=5&limit=6');

    expect(response).toMatchObject({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'limit', message: 'Must be given once, as a single value' }],
      },
    });
  });

  it('rejects a repeated query parameter that each value alone would pass', async () => {
    const response = await request(validatingApp()).get('/users?cursor=a&cursor=b');

    expect(response).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'cursor', message: 'Must be given once, as a single value' }] },
    });
  });

  it('gives routes sanitised query values and nothing unvalidated', async () => {
    const response = await request(validatingApp()).get('/users?limit=25&debug=true');

    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ limit: 25 });
  });

  it('validates path parameters', async () => {
    const response = await request(validatingApp()).get('/users/not-a-uuid');

    expect(response).toMatchObject({ status: 400, body: { errors: [{ field: 'id', message: 'Must be a UUID' }] } });
  });

  it('turns a non-string message from a custom validator into a generic one', async () => {
    const app = express();
    app.post(
      '/x',
      jsonBody(),
      validate(
        body('n').custom(() => {
          throw { internal: 'detail' };
        }),
      ),
      (_req, res) => {
        res.json({});
      },
    );
    app.use(errorHandler());

    const response = await request(app).post('/x').send({ n: 1 });

    expect(response.body.errors).toEqual([{ field: 'n', message: 'Invalid value' }]);
  });

  it('refuses to start without chains, or with something that is not a chain, saying what to pass', () => {
    expect(() => validate()).toThrow(/validate\(\): pass at least one validation chain/);
    expect(() => validate((() => undefined) as unknown as ValidationChain)).toThrow(
      /argument 1 is not an express-validator chain/,
    );
  });

  it('returns a named middleware', () => {
    expect(validate(body('a').isString()).name).toBe('validateMiddleware');
  });
});
