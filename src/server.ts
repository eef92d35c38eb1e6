import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { buildDependencies, type Dependencies } from './dependencies';
import { createTableIfMissing } from './data/create-table';
import { createDocumentClient } from './data/dynamodb-client';
import { outboxEmailSender } from './email/outbox-email-sender';
import { JavaNotFoundError } from './local/embedded-dynamodb';
import { SharedDataDirError } from './local/private-files';
import { DataDirInUseError, useEmbeddedDynamoDbIfNeeded, type LocalDynamoDb } from './local/use-embedded-dynamodb';

// How long in-flight requests get to finish after SIGINT/SIGTERM before their connections are cut.
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The local host for `npm start`: the same app as in Lambda, on node:http, with an embedded DynamoDB Local
 * unless DYNAMODB_ENDPOINT points elsewhere.
 */
async function main(): Promise<void> {
  let config = loadConfig();
  // loadConfig() refuses JWT_SECRET_ARN outside Lambda; this narrows the type for the compiler.
  if (config.auth.jwtSecret.kind !== 'value') throw new ConfigError(['JWT_SECRET_ARN is only read in Lambda']);
  const jwtSecret = config.auth.jwtSecret.value;

  // The embedded DynamoDB Local unless DYNAMODB_ENDPOINT is set. Two DynamoDB Local processes on one database
  // folder would corrupt it: DATA_DIR is claimed before the JVM starts (a second server, or a create-admin's
  // own instance, makes this refuse) and announced while it runs (`npm run create-admin` then uses it).
  const database = await useEmbeddedDynamoDbIfNeeded(config, { whenInUse: 'refuse', report: (line) => process.stderr.write(`${line}\n`) });
  config = database.config;

  const deps = buildDependencies(config, { jwtSecret }, { emailSender: outboxEmailSender(config) });
  // Table creation gets a patient client of its own: a JVM that has just started can take longer than the
  // request timeout that protects live requests, and failing `npm start` for that would be wrong.
  const bootstrapClient = createDocumentClient({ ...config.dynamodb, requestTimeoutMs: 15_000, maxAttempts: 3 });
  try {
    const outcome = await createTableIfMissing(bootstrapClient, config.dynamodb.tableName);
    if (outcome === 'created') deps.logger.info(`created table ${config.dynamodb.tableName}`);
  } catch (error) {
    await database.stop();
    throw error;
  } finally {
    bootstrapClient.destroy();
  }

  const server = createServer(createApp(deps));
  try {
    await listen(server, config);
  } catch (error) {
    await database.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new StartupError(
        `Cannot listen on ${config.host}:${config.port} (${code === 'EADDRINUSE' ? 'already in use' : 'permission denied'}). Set PORT to another port (PORT=0 picks a free one).`,
      );
    }
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  deps.logger.info(`lambdalith listening on http://${config.host}:${port}`, { dynamodb: config.dynamodb.endpoint });

  stopGracefullyOnSignals(server, deps, database);
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

// Stop accepting, let in-flight requests finish (up to the grace period), stop the embedded database,
// exit 0. A second signal means "now": exit 1 at once.
function stopGracefullyOnSignals(server: Server, deps: Dependencies, database: LocalDynamoDb): void {
  let stopping = false;
  // server.close() only closes idle connections; a keep-alive connection whose response finishes after it
  // would stay open until the client's keep-alive timeout. So, once stopping, every response says
  // `Connection: close`, and each finished one closes its connection at once.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (stopping) res.shouldKeepAlive = false;
    res.once('close', () => inFlight.delete(res));
    res.once('finish', () => {
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
  });

  const stop = (reason: string): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    deps.logger.info(`${reason}: finishing in-flight requests, then stopping`);
    const forceClose = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      clearTimeout(forceClose);
      deps.documentClient.destroy();
      void database.stop().finally(() => {
        deps.logger.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => stop('SIGINT received'));
  process.on('SIGTERM', () => stop('SIGTERM received'));
  stopWhenParentExits(() => stop('the process that started this server exited'));
}

// npm does not forward SIGTERM to the script it runs: stopping `npm start` with `kill <npm pid>` (an IDE's
// stop button, a supervisor) kills npm and leaves this process running, reparented, with its database.
// Noticing the new parent and stopping as if signalled keeps that from leaving a server behind. Run
// directly (`node dist/server.js`, as in a container) the parent never changes and this never fires.
function stopWhenParentExits(stop: () => void): void {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      stop();
    }
  }, 1_000);
  watch.unref();
}

/** A start-up failure the user can fix; its message says how, and no stack trace is printed. */
class StartupError extends Error {
  override name = 'StartupError';
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof JavaNotFoundError || error instanceof DataDirInUseError || error instanceof SharedDataDirError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
