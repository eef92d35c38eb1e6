import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the function made, as the fake service understood it. */
export interface RecordedCall {
  readonly operation: 'secretsmanager:GetSecretValue' | 'ses:SendEmail';
  readonly body: Record<string, unknown>;
}

/**
 * The two AWS services the function calls besides DynamoDB, on loopback: Secrets Manager (awsJson1.1,
 * `GetSecretValue`) and SES v2 (REST JSON, `SendEmail`). The bundled SDK clients reach it through their
 * standard `AWS_ENDPOINT_URL_<SERVICE>` variables, so the function's code is exactly what ships.
 */
export class FakeAws {
  readonly calls: RecordedCall[] = [];
  private readonly server: Server;

  private constructor(private readonly secrets: ReadonlyMap<string, string>) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  static async start(secrets: ReadonlyMap<string, string>): Promise<FakeAws> {
    const fake = new FakeAws(secrets);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The variables that point the SDK clients here. */
  get environment(): Record<string, string> {
    return { AWS_ENDPOINT_URL_SECRETS_MANAGER: this.endpoint, AWS_ENDPOINT_URL_SESV2: this.endpoint };
  }

  callsOf(operation: RecordedCall['operation']): RecordedCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const reply = (status: number, payload: object, contentType = 'application/json'): void => {
      response.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(payload));
    };

    if (request.method === 'POST' && request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
      this.calls.push({ operation: 'secretsmanager:GetSecretValue', body });
      const secretId = String(body['SecretId']);
      const value = this.secrets.get(secretId);
      if (value === undefined) {
        reply(
          400,
          { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
          'application/x-amz-json-1.1',
        );
        return;
      }
      reply(
        200,
        {
          ARN: secretId,
          Name: 'JwtSecret',
          SecretString: value,
          VersionId: randomUUID(),
          VersionStages: ['AWSCURRENT'],
        },
        'application/x-amz-json-1.1',
      );
      return;
    }
    if (request.method === 'POST' && request.url === '/v2/email/outbound-emails') {
      this.calls.push({ operation: 'ses:SendEmail', body });
      reply(200, { MessageId: randomUUID() });
      return;
    }
    reply(400, { __type: 'UnknownOperationException', message: `the fake knows no ${request.method} ${request.url}` });
  }
}
