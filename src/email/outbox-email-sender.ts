import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmailConfig } from '../config';
import type { EmailMessage, EmailSender } from '../domain/welcome-email';

/** The logging the outbox needs; the app's Powertools logger satisfies it. */
export interface OutboxLogger {
  info(message: string, ...extra: unknown[]): void;
}

/** One message as written to the outbox. */
export interface OutboxMessage extends EmailMessage {
  readonly from: string;
  readonly createdAt: string;
}

/**
 * Local stand-in for SES under `npm start`: each message becomes one JSON file in `directory` (normally
 * `DATA_DIR/outbox/`), plus a log line, so a developer can read what would have been sent.
 */
export class OutboxEmailSender implements EmailSender {
  constructor(
    private readonly directory: string,
    private readonly fromAddress: string,
    private readonly logger: OutboxLogger,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    const createdAt = new Date().toISOString();
    const entry: OutboxMessage = {
      from: this.fromAddress,
      to: message.to,
      subject: message.subject,
      text: message.text,
      createdAt,
    };
    // Sortable by time, unique without coordination.
    const file = join(this.directory, `${createdAt.replace(/[:.]/g, '-')}-${randomUUID()}.json`);
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    // Written aside, then renamed: whoever watches the folder never reads half a message. 0600 because
    // messages carry personal data.
    const partial = `${file}.partial`;
    await writeFile(partial, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(partial, file);
    this.logger.info('email written to the local outbox', { to: message.to, subject: message.subject, file });
  }
}

/** The outbox sender for local hosts (`server.ts`, `create-admin`, tests): `DATA_DIR/outbox/`, logged. */
export function outboxEmailSender(settings: {
  readonly dataDir: string;
  readonly email: EmailConfig;
}): (logger: OutboxLogger) => EmailSender {
  return (logger) => new OutboxEmailSender(join(settings.dataDir, 'outbox'), settings.email.from, logger);
}
