import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesEmailSender } from '../../src/email/ses-email-sender';
import { createLambdaHostedTestApp } from '../helpers/test-app';
import { localTestEnv } from '../helpers/test-environment';
import { createUsersTestApp, register, storedUser, uniqueEmail } from '../helpers/user-fixtures';

/**
 * A stand-in for SES that misbehaves: `silent` accepts connections and never answers; `trickling` starts an answer and
 * never finishes it.
 */
async function brokenSes(behaviour: 'silent' | 'trickling'): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    if (behaviour === 'trickling') {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{');
        // A byte now and then keeps every idle timeout from firing: only an overall bound ends this.
        const timer = setInterval(() => socket.write(' '), 200);
        timers.add(timer);
        socket.once('close', () => clearInterval(timer));
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('welcome email on POST /auth/register', () => {
  it('writes one JSON file per message to DATA_DIR/outbox under npm start', async () => {
    // Arrange
    const dataDir = localTestEnv().DATA_DIR ?? '';
    const { app, deps } = createUsersTestApp({ DATA_DIR: dataDir, EMAIL_FROM: 'hello@example.com' });
    const logged = jest.spyOn(deps.logger, 'info');
    const email = uniqueEmail('welcome');

    // Act
    const response = await register(app, { email, password: 'welcome aboard password', name: 'Newcomer' });

    // Assert
    expect(response.status).toBe(201);
    const outbox = join(dataDir, 'outbox');
    const files = readdirSync(outbox);
    expect(files).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-[0-9a-f-]{36}\.json$/)]);
    const message = JSON.parse(readFileSync(join(outbox, files[0] ?? ''), 'utf8')) as Record<string, unknown>;
    expect(message).toEqual({
      from: 'hello@example.com',
      to: email,
      subject: 'Welcome to lambdalith',
      text: expect.stringContaining('Hello Newcomer,'),
      createdAt: expect.any(String),
    });
    expect(statSync(join(outbox, files[0] ?? '')).mode & 0o777).toBe(0o600);
    expect(logged).toHaveBeenCalledWith('email written to the local outbox', {
      to: email,
      subject: 'Welcome to lambdalith',
      file: join(outbox, files[0] ?? ''),
    });
  });

  it('still registers the user when the email cannot be sent, and logs and counts the failure', async () => {
    // Arrange: a file where the outbox folder should be makes every send fail
    const dataDir = localTestEnv().DATA_DIR ?? '';
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'outbox'), 'not a folder');
    const { app, deps } = createUsersTestApp({ DATA_DIR: dataDir });
    const logged = jest.spyOn(deps.logger, 'error');
    const counted = jest.spyOn(deps.metrics, 'addMetric');
    const email = uniqueEmail('unlucky');

    // Act
    const response = await register(app, { email, password: 'no email for me, sadly', name: 'Unlucky' });

    // Assert
    expect(response).toMatchObject({ status: 201, body: { email } });
    expect(await storedUser((response.body as { id: string }).id)).toMatchObject({ email });
    expect(logged).toHaveBeenCalledWith('welcome email could not be sent; the registration stands', {
      userId: (response.body as { id: string }).id,
      error: expect.objectContaining({ code: 'EEXIST' }),
    });
    expect(counted).toHaveBeenCalledWith('WelcomeEmailFailed', 'Count', 1);
  });
});

describe('welcome email through SES in Lambda, when SES misbehaves', () => {
  // A bound on hanging, not a speed test: without bounded SES calls these registrations would hang for
  // well over ten seconds (the function's timeout), or for ever.
  jest.setTimeout(8_000);
  // Closed after each test even when it timed out, so a hung test cannot keep jest alive.
  const closeAfterTest: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closeAfterTest.splice(0).map((close) => close()));
  });

  it.each([
    ['accepts the connection and never answers', 'silent' as const],
    ['starts an answer and never finishes it', 'trickling' as const],
  ])('returns 201 when SES %s, and logs and counts the failure', async (_label, behaviour) => {
    // Arrange
    const ses = await brokenSes(behaviour);
    closeAfterTest.push(ses.close);
    const { app, deps } = createLambdaHostedTestApp({
      SES_ENDPOINT: ses.endpoint,
      AUTH_RATE_LIMIT: '1000000',
      METRICS_ENABLED: 'false',
    });
    const logged = jest.spyOn(deps.logger, 'error');
    const counted = jest.spyOn(deps.metrics, 'addMetric');
    const email = uniqueEmail('hung-ses');

    // Act
    const response = await register(app, { email, password: 'registered all the same', name: 'Patient' });

    // Assert
    const { id } = response.body as { id: string };
    expect(response).toMatchObject({ status: 201, headers: { location: `/users/${id}` }, body: { email } });
    expect(await storedUser(id)).toMatchObject({ email });
    expect(logged).toHaveBeenCalledWith('welcome email could not be sent; the registration stands', {
      userId: id,
      error: expect.any(Error),
    });
    expect(counted).toHaveBeenCalledWith('WelcomeEmailFailed', 'Count', 1);
  });
});

describe('SesEmailSender', () => {
  it('sends a plain-text SendEmail request from the configured address', async () => {
    // Arrange: a loopback endpoint in SES's place records what the real SDK client sends
    const requests: { method: string; url: string; body: unknown }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"MessageId":"m-1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new SESv2Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const sender = new SesEmailSender(client, 'no-reply@example.com');

    try {
      // Act
      await sender.send({ to: 'ada@example.com', subject: 'Welcome', text: 'Hello Ada' });

      // Assert
      expect(requests).toEqual([
        {
          method: 'POST',
          url: '/v2/email/outbound-emails',
          body: {
            FromEmailAddress: 'no-reply@example.com',
            Destination: { ToAddresses: ['ada@example.com'] },
            Content: {
              Simple: {
                Subject: { Data: 'Welcome', Charset: 'UTF-8' },
                Body: { Text: { Data: 'Hello Ada', Charset: 'UTF-8' } },
              },
            },
          },
        },
      ]);
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
