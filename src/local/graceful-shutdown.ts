import type { IncomingMessage, Server, ServerResponse } from 'node:http';

// How long in-flight requests get to finish after SIGINT/SIGTERM before their connections are cut.
const SHUTDOWN_GRACE_MS = 10_000;

export interface GracefulShutdownOptions {
  /** Told when stopping starts and when it is done. */
  readonly log: (message: string) => void;
  /** Releases what the server used (clients, the embedded database), after the last request finished. */
  readonly release: () => Promise<void>;
}

/**
 * On SIGINT, SIGTERM, or the death of the process that started this one: stop accepting, let in-flight
 * requests finish (up to a grace period), release, exit 0. A second signal means "now": exit 1 at once.
 */
export function stopGracefullyOnSignals(server: Server, options: GracefulShutdownOptions): void {
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
    options.log(`${reason}: finishing in-flight requests, then stopping`);
    const forceClose = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      clearTimeout(forceClose);
      void options.release().finally(() => {
        options.log('stopped');
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
