import { createServer, type Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { buildDependencies } from './dependencies';
import { outboxEmailSender } from './email/outbox-email-sender';
import { localJwtSecret } from './local/development-secret';
import { JavaNotFoundError } from './local/dynamodb-local-process.mts';
import { stopGracefullyOnSignals } from './local/graceful-shutdown';
import { DataDirInUseError, openLocalDatabase } from './local/local-database';
import { SharedDataDirError } from './local/private-files.mts';

/**
 * The local host for `npm start`: the same app as in Lambda, on node:http, with an embedded DynamoDB Local
 * unless DYNAMODB_ENDPOINT points elsewhere.
 */
async function main(): Promise<void> {
  const report = (line: string): void => void process.stderr.write(`${line}\n`);
  const loaded = loadConfig();
  const jwtSecret = localJwtSecret(loaded, (message) => report(`warning: ${message}`));

  // Two DynamoDB Local processes on one database folder would corrupt it, so a second server refuses
  // DATA_DIR while another one (or a create-admin's own instance) holds it.
  const database = await openLocalDatabase(loaded, { whenInUse: 'refuse', report });
  const { config } = database;
  const deps = buildDependencies(config, { jwtSecret }, { emailSender: outboxEmailSender(config) });
  if (database.tableCreated) deps.logger.info(`created table ${config.dynamodb.tableName}`);

  const server = createServer(createApp(deps));
  try {
    await listen(server, config);
  } catch (error) {
    await database.stop();
    throw listenError(error, config);
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  deps.logger.info(`lambdalith listening on http://${config.host}:${port}`, { dynamodb: config.dynamodb.endpoint });

  stopGracefullyOnSignals(server, {
    log: (message) => deps.logger.info(message),
    release: async () => {
      deps.documentClient.destroy();
      await database.stop();
    },
  });
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

function listenError(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  const why = code === 'EADDRINUSE' ? 'already in use' : 'permission denied';
  return new StartupError(
    `Cannot listen on ${config.host}:${config.port} (${why}). Set PORT to another port (PORT=0 picks a free one).`,
  );
}

/** A start-up failure the user can fix; its message says how, and no stack trace is printed. */
class StartupError extends Error {
  override name = 'StartupError';
}

main().catch((error: unknown) => {
  const explained = [ConfigError, JavaNotFoundError, DataDirInUseError, SharedDataDirError, StartupError].some(
    (type) => error instanceof type,
  );
  if (explained && error instanceof Error) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
