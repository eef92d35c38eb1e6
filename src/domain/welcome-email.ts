import type { User } from './user';

/** A plain-text email. Plain text only: no HTML to escape user-supplied names into. */
export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Delivers email: SES in Lambda, a local outbox folder under `npm start`. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export function welcomeEmail(user: Pick<User, 'email' | 'name'>): EmailMessage {
  return {
    to: user.email,
    subject: 'Welcome to lambdalith',
    text: [
      `Hello ${user.name},`,
      '',
      `your account for ${user.email} is ready. Sign in with this email address and the password you chose.`,
      '',
      'If you did not create this account, you can ignore this message.',
    ].join('\n'),
  };
}
