// Turns what the interceptors saw while the app loaded (and while it served the probes, for writes and
// stores created per request) into findings. Repeated sightings of one thing are reported once.
import { relative } from 'node:path';
import type { ExpressApp } from './express-shape.mts';
import { hazards } from './hazards.mts';
import { isPending } from './intercept-timers.mts';
import { isWritableInLambda } from './lambda-filesystem.mts';
import { observed, type Observed } from './observations.mts';
import { at } from './probe.mts';
import type { Evidence, Finding, HazardId, Note, Severity } from './report-types.mts';

export function loadFindings(app: ExpressApp): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const add = (
    hazard: HazardId,
    sighting: Observed,
    message: string,
    severity: Severity = hazards[hazard].severity,
  ): void => {
    const key = `${hazard}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const evidence: Evidence = sighting.phase.kind === 'request' ? 'request' : 'load';
    findings.push({
      hazard,
      severity,
      evidence,
      message,
      fix: hazards[hazard].fix,
      ...(sighting.location === undefined ? {} : { location: sighting.location }),
      ...(sighting.phase.kind === 'request' ? { request: sighting.phase.scope.request } : {}),
    });
  };

  for (const listen of observed.listens.filter((call) => call.phase.kind === 'load')) {
    add(
      'listen-at-import',
      listen,
      `the module calls listen() when it is imported${at(listen.location)}; the doctor did not bind the port`,
    );
  }
  const servers = new Set([...observed.servers, ...observed.listens.map((call) => call.server)]);
  for (const server of servers) {
    if (server.listenerCount('upgrade') > 0) {
      add(
        'websocket-upgrade',
        { phase: { kind: 'load' }, location: undefined },
        `a server of the app handles 'upgrade' (WebSocket) requests (${server.listenerCount('upgrade')} listener(s))`,
      );
    }
  }
  for (const store of observed.memoryStores) {
    add(
      'session-memory-store',
      store,
      `express-session keeps sessions in its MemoryStore${at(store.location)}: every Lambda environment has its own, and loses it when recycled`,
    );
  }
  for (const storage of observed.diskStorages) {
    if (storage.destination === undefined) {
      add(
        'multer-disk-storage',
        storage,
        `multer stores uploads on disk, in a folder chosen per upload${at(storage.location)}`,
      );
    } else if (isWritableInLambda(storage.destination)) {
      add(
        'multer-disk-storage',
        storage,
        `multer stores uploads in ${storage.destination}${at(storage.location)}: /tmp is per environment, so another request may not find the file`,
        'warning',
      );
    } else {
      add(
        'multer-disk-storage',
        storage,
        `multer stores uploads in ${storage.destination}${at(storage.location)}, which is read-only in Lambda`,
      );
    }
  }
  for (const write of observed.fileWrites) {
    add(
      'file-write-outside-tmp',
      write,
      `${write.operation}(${relative(process.cwd(), write.path) || write.path})${at(write.location)} writes outside /tmp`,
    );
  }
  for (const timer of observed.timers.filter(
    (entry) => entry.phase.kind === 'load' && entry.kind === 'setInterval' && isPending(entry.timer),
  )) {
    add(
      'module-level-interval',
      timer,
      `setInterval at module level${at(timer.location)} keeps running between requests on a server; Lambda freezes it`,
    );
  }
  if (app.settings['trust proxy'] === true) {
    add('trust-proxy-true', { phase: { kind: 'load' }, location: undefined }, "the app sets 'trust proxy' to true");
  }
  return findings;
}

/** Connections the doctor refused while the module loaded: worth knowing, not a hazard in themselves. */
export function loadNotes(): Note[] {
  const targets = [
    ...new Set(
      observed.connections
        .filter((connection) => connection.phase.kind === 'load')
        .map((connection) => connection.target),
    ),
  ];
  return targets.map((target) => ({
    message: `the app tried to connect to ${target} while loading; the doctor refused the connection`,
  }));
}
