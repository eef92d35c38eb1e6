import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesEmailSender } from '../../src/email/ses-email-sender';
import { localTestEnv } from '../helpers/test-environment';
import { createUsersTestApp, register, storedUser, uniqueEmail } from '../helpers/user-fixtures';

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
            Content: { Simple: { Subject: { Data: 'Welcome', Charset: 'UTF-8' }, Body: { Text: { Data: 'Hello Ada', Charset: 'UTF-8' } } } },
          },
        },
      ]);
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
