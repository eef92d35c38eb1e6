import Ajv2020 from 'ajv/dist/2020';
import request from 'supertest';
import { bearer, seedUser } from '../helpers/user-fixtures';
import { createOrdersTestApp, orderDraft, placeOrder, seedOrder } from '../helpers/order-fixtures';

interface Document {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, object> };
}

describe('GET /openapi.json: the orders part', () => {
  const { app } = createOrdersTestApp();

  async function documentAndValidator(): Promise<{ document: Document; ajv: Ajv2020 }> {
    const document = (await request(app).get('/openapi.json')).body as Document;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const rewrite = (schema: object): object =>
      JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '')) as object;
    for (const [name, schema] of Object.entries(document.components.schemas))
      ajv.addSchema({ $id: name, ...rewrite(schema) });
    return { document, ajv };
  }

  it('describes the order, the page and the problems the API actually returns', async () => {
    // Arrange
    const { ajv } = await documentAndValidator();
    const user = await seedUser();
    const order = await seedOrder(app, user.id);

    // Act
    const read = await request(app)
      .get(`/orders/${order.id}`)
      .set(await bearer(user.id));
    const page = await request(app)
      .get('/orders')
      .set(await bearer(user.id));
    const invalid = await placeOrder(app, user.id, orderDraft({ total: 1 }));

    // Assert
    expect(ajv.validate('Order', read.body)).toBe(true);
    expect(ajv.validate('OrderPage', page.body)).toBe(true);
    expect(ajv.validate('Problem', invalid.body)).toBe(true);
  });

  it('accepts in NewOrderRequest exactly what the server accepts, for a few representative bodies', async () => {
    // Arrange
    const { ajv } = await documentAndValidator();
    const user = await seedUser();
    const bodies = [
      orderDraft(),
      orderDraft({ currency: 'eur' }),
      orderDraft({ items: [{ sku: 'A', quantity: 1.5, unitPrice: 1 }] }),
      orderDraft({ items: [{ sku: 'A', quantity: '10', unitPrice: 1 }] }),
      orderDraft({ status: 'paid' }),
      orderDraft({ items: [] }),
    ];

    // Act
    const verdicts = await Promise.all(
      bodies.map(async (body) => [
        ajv.validate('NewOrderRequest', body),
        (await placeOrder(app, user.id, body)).status === 201,
      ]),
    );

    // Assert
    for (const [documented, served] of verdicts) expect(documented).toBe(served);
  });

  it('documents every status each order route can answer', async () => {
    // Arrange
    const { document } = await documentAndValidator();
    const statuses = (path: string, method: string): string[] =>
      Object.keys(document.paths[path]?.[method]?.responses ?? {}).sort();

    // Assert
    expect(statuses('/orders', 'post')).toEqual(['201', '400', '401', '409', '413', '415', '422']);
    expect(statuses('/orders', 'get')).toEqual(['200', '400', '401', '403']);
    expect(statuses('/orders/{id}', 'get')).toEqual(['200', '400', '401', '404']);
    expect(statuses('/orders/{id}/cancel', 'post')).toEqual(['200', '400', '401', '404', '409']);
    expect(statuses('/orders/{id}/pay', 'post')).toEqual(['200', '400', '401', '403', '404', '409']);
    expect(statuses('/orders/{id}/ship', 'post')).toEqual(['200', '400', '401', '403', '404', '409']);
  });
});
