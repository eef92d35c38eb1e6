import request from 'supertest';
import { bearer, register, seedUser } from '../helpers/user-fixtures';
import { createOrdersTestApp, orderDraft, placeOrder, rawOrderItem, seedOrder } from '../helpers/order-fixtures';

// The choice (README, "Orders"): deleting a user keeps their orders, unchanged, as the business's records (for
// audit, accounting and disputes), but nothing of the deleted account can reach them again.
describe("DELETE /users/{id} and the user's orders", () => {
  const { app, client } = createOrdersTestApp();

  it("keeps the orders unchanged and reachable by admins, by id and by listing the deleted user's id", async () => {
    // Arrange
    const user = await seedUser();
    const admin = await seedUser({ role: 'admin' });
    const order = await seedOrder(app, user.id);
    const stored = await rawOrderItem(client, order.id);

    // Act
    const deleted = await request(app)
      .delete(`/users/${user.id}`)
      .set(await bearer(user.id));

    // Assert
    expect(deleted.status).toBe(204);
    expect(await rawOrderItem(client, order.id)).toEqual(stored);
    const adminAuth = await bearer(admin.id);
    expect(await request(app).get(`/orders/${order.id}`).set(adminAuth)).toMatchObject({ status: 200, body: order });
    expect(await request(app).get(`/orders?userId=${user.id}`).set(adminAuth)).toMatchObject({
      status: 200,
      body: { items: [order], nextCursor: null },
    });
  });

  it('makes them unreachable by the deleted account: its token gets 401 on every order route', async () => {
    // Arrange
    const user = await seedUser();
    const order = await seedOrder(app, user.id);
    const auth = await bearer(user.id);
    await request(app).delete(`/users/${user.id}`).set(auth);

    // Act
    const responses = [
      await request(app).get(`/orders/${order.id}`).set(auth),
      await request(app).get('/orders').set(auth),
      await request(app).post(`/orders/${order.id}/cancel`).set(auth),
      await request(app).post(`/orders/${order.id}/pay`).set(auth),
      await placeOrder(app, user.id, orderDraft()),
    ];

    // Assert
    expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await rawOrderItem(client, order.id)).toMatchObject({ status: 'pending', version: 1 });
  });

  it('does not hand them to a new account registered with the same email', async () => {
    // Arrange
    const user = await seedUser();
    const order = await seedOrder(app, user.id);
    await request(app)
      .delete(`/users/${user.id}`)
      .set(await bearer(user.id));
    const again = await register(app, { email: user.email, password: 'a new account, a new id', name: 'Again' });
    const newcomer = (again.body as { id: string }).id;

    // Act
    const byId = await request(app)
      .get(`/orders/${order.id}`)
      .set(await bearer(newcomer));
    const listed = await request(app)
      .get('/orders')
      .set(await bearer(newcomer));

    // Assert
    expect(again.status).toBe(201);
    expect(newcomer).not.toBe(user.id);
    expect(byId).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
    expect(listed).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
  });
});
