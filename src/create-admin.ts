// Creates an admin: the only way to get the first admin, since no HTTP route grants the role except an
// admin's PATCH. An account that already holds the email is refused unless --promote-existing says it is
// the operator's: anyone may register any email first, and promoting it would hand admin to them.
//
//   printf '%s' "$PASSWORD" | npm run create-admin -- --email <email> --password-stdin [--name <name>]
//   npm run create-admin -- --email <email> --password <password>   (visible to other users in `ps`)
//   npm run create-admin -- --email <email> --promote-existing
//
// Where the users live, from the same configuration as the server:
//   - DYNAMODB_ENDPOINT unset: the embedded DynamoDB Local under DATA_DIR. If `npm start` is running, its
//     instance is used (it announces its endpoint under DATA_DIR); otherwise one is started for the call,
//     and announced the same way while it runs, so an `npm start` meanwhile refuses that DATA_DIR.
//   - DYNAMODB_ENDPOINT set: that endpoint and TABLE_NAME; for a deployed stack, the regional endpoint
//     (https://dynamodb.<region>.amazonaws.com) with AWS credentials in the environment.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config';
import { buildDependencies } from './dependencies';
import { DomainError, ExistingAccountError, ValidationError } from './domain/errors';
import type { UserService } from './domain/user-service';
import { outboxEmailSender } from './email/outbox-email-sender';
import { JavaNotFoundError } from './local/dynamodb-local-process.mts';
import { DataDirInUseError, openLocalDatabase, withPatientTimeouts, type LocalDatabase } from './local/local-database';
import { SharedDataDirError } from './local/private-files.mts';

/** What the command talks to besides the database; tests pass their own. */
export interface CreateAdminIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
}

const USAGE = `Usage: npm run create-admin -- --email <email> (--password-stdin | --password <password>) [--name <name>]
       npm run create-admin -- --email <email> --promote-existing

Creates an admin with this email and password. --password-stdin reads the password from standard input;
--password puts it on the command line, where other users of the machine see it in \`ps\`.
An email that an account already holds is refused (anyone can register any email first). If that account
is yours, --promote-existing makes it admin, keeping its password. Uses DYNAMODB_ENDPOINT and TABLE_NAME
like the server, or the embedded DynamoDB Local under DATA_DIR when DYNAMODB_ENDPOINT is unset.
`;

/** Runs the command; resolves the exit code (0 done, 1 failed, 2 usage error). */
export async function runCreateAdmin(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CreateAdminIo,
): Promise<number> {
  let options: {
    email?: string;
    password?: string;
    'password-stdin'?: boolean;
    'promote-existing'?: boolean;
    name?: string;
    help?: boolean;
  };
  try {
    ({ values: options } = parseArgs({
      args: [...argv],
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'promote-existing': { type: 'boolean' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help === true) {
    io.stdout(USAGE);
    return 0;
  }
  if (options.email === undefined || (options.password !== undefined && options['password-stdin'] === true)) {
    io.stderr(USAGE);
    return 2;
  }
  const password = options['password-stdin'] === true ? (await io.readStdin()).replace(/\r?\n$/, '') : options.password;

  let config: Config;
  try {
    config = loadConfig(env, { stdoutIsTty: false });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let database: LocalDatabase | undefined;
  try {
    // The running server's DynamoDB Local if there is one; else one of our own, announced under DATA_DIR
    // while it runs, so an `npm start` meanwhile refuses instead of opening the same folder a second time.
    database = await openLocalDatabase(config, { whenInUse: 'use', report: (line) => io.stderr(`${line}\n`) });
    const promoteExisting = options['promote-existing'] === true;
    const { outcome, user } = await createOrPromote(database.config, {
      email: options.email,
      password,
      name: options.name,
      promoteExisting,
    });
    const table = database.config.dynamodb.tableName;
    if (outcome === 'created') {
      io.stdout(`Created admin ${user.email} (id ${user.id}) in table ${table}\n`);
    } else {
      // Name the account being trusted, so an operator who expected a fresh one notices a squatter's.
      const what = outcome === 'promoted' ? 'Promoted to admin:' : 'Already an admin:';
      io.stdout(`${what} ${user.email} (id ${user.id}, created ${user.createdAt}) in table ${table}\n`);
      io.stdout(
        `Its password is unchanged: it is the one the account already had${password === undefined ? '' : ', not the one given here'}.\n`,
      );
    }
    return 0;
  } catch (error) {
    io.stderr(`create-admin failed: ${describe(error)}\n`);
    if (error instanceof ExistingAccountError) {
      io.stderr(
        'Nothing was changed. Anyone can register any email, so this account may not be yours, and its password is not one\n' +
          'you set. If it is yours, run again with --promote-existing (it keeps its password); otherwise use another email.\n',
      );
    }
    return 1;
  } finally {
    await database?.stop();
  }
}

/** Does the work on the selected database. */
async function createOrPromote(
  config: Config,
  input: {
    readonly email: string;
    readonly password: string | undefined;
    readonly name: string | undefined;
    readonly promoteExisting: boolean;
  },
): ReturnType<UserService['createOrPromoteAdmin']> {
  // A one-off command would rather wait for a freshly started (cold) DynamoDB Local than fail. Nothing here
  // signs tokens or cursors, so a throwaway key will do where no secret value is at hand; it sends no
  // email, and were it to, a command run on a laptop writes to the local outbox.
  const quiet: Config = {
    ...config,
    dynamodb: withPatientTimeouts(config.dynamodb),
    log: { ...config.log, level: 'SILENT' },
  };
  const jwtSecret =
    config.auth.jwtSecret.kind === 'value' ? config.auth.jwtSecret.value : randomBytes(48).toString('base64url');
  const deps = buildDependencies(quiet, { jwtSecret }, { emailSender: outboxEmailSender(config) });
  try {
    return await deps.users.createOrPromoteAdmin(input);
  } finally {
    deps.documentClient.destroy();
  }
}

function describe(error: unknown): string {
  if (error instanceof ValidationError) {
    return `${error.message}${error.violations.map((field) => `\n  ${field.field} ${field.message}`).join('')}`;
  }
  if (
    error instanceof DomainError ||
    error instanceof JavaNotFoundError ||
    error instanceof DataDirInUseError ||
    error instanceof SharedDataDirError
  )
    return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

if (require.main === module) {
  runCreateAdmin(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `create-admin failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
