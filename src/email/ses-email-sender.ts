import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { EmailConfig } from '../config';
import type { EmailMessage, EmailSender } from '../domain/welcome-email';

/**
 * How long one send may take in all, connection and answer included. The registration waits for it
 * (Lambda may freeze the environment once the response is sent, so the send cannot outlive the request),
 * so it is kept far below the function's 10 s timeout; a slower SES costs a welcome email, not a signup.
 */
export const SES_SEND_TIMEOUT_MS = 2_000;
const SES_CONNECT_TIMEOUT_MS = 1_000;
const SES_ANSWER_TIMEOUT_MS = 1_500;

/** Builds the SES client when the first email is sent. */
export type SesClientFactory = () => Promise<SESv2Client>;

// The SES SDK (~60 kB of bundle) is imported when the first email is sent, not at cold start: most cold
// starts serve requests that send no email (BENCHMARKS.md).

/** Sends email through Amazon SES (v2 API) from a verified identity. Used in Lambda. */
export class SesEmailSender implements EmailSender {
  private client: Promise<SESv2Client> | undefined;
  private readonly createClient: SesClientFactory;

  constructor(
    client: SESv2Client | SesClientFactory,
    private readonly fromAddress: string,
    private readonly timeoutMs: number = SES_SEND_TIMEOUT_MS,
  ) {
    this.createClient = typeof client === 'function' ? client : async () => client;
  }

  async send(message: EmailMessage): Promise<void> {
    // The overall bound, whatever the per-phase timeouts below do or fail to do; loading the SDK counts too.
    const abortSignal = AbortSignal.timeout(this.timeoutMs);
    const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const client = await this.clientOnce();
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        },
      }),
      { abortSignal },
    );
  }

  // One client per sender; a failed creation is forgotten so the next email tries again.
  private clientOnce(): Promise<SESv2Client> {
    if (this.client === undefined) {
      const created = this.createClient();
      created.catch(() => {
        if (this.client === created) this.client = undefined;
      });
      this.client = created;
    }
    return this.client;
  }
}

/**
 * The SES sender for Lambda (`lambda.ts` passes it to `buildDependencies`); its client is created with the
 * first email. One attempt, each phase bounded: without `throwOnRequestTimeout` smithy only logs a warning when
 * `requestTimeout` passes and keeps waiting, so a hung SES would hang the registration.
 */
export function sesEmailSender(email: EmailConfig, region: string): () => EmailSender {
  return () =>
    new SesEmailSender(async () => {
      const { SESv2Client } = await import('@aws-sdk/client-sesv2');
      return new SESv2Client({
        region,
        ...(email.sesEndpoint === undefined ? {} : { endpoint: email.sesEndpoint }),
        ...(email.useLocalCredentials ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
        // A retry would not fit in the time budget; a lost welcome email is logged and counted instead.
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({
          connectionTimeout: SES_CONNECT_TIMEOUT_MS,
          requestTimeout: SES_ANSWER_TIMEOUT_MS,
          throwOnRequestTimeout: true,
          socketTimeout: SES_ANSWER_TIMEOUT_MS,
        }),
      });
    }, email.from);
}
