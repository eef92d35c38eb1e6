// The doctor's child process: installs the interceptors, imports the target, finds its Express app, lists
// routes, probes them and sends the report to the CLI over IPC. The CLI kills it (and anything it started)
// when it overruns its time limit, so nothing the app does at import outlives the check.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBinarySettings } from './binary-settings.mts';
import { describeLoadFailure } from './load-failure.mts';
import { expressMajorOf, isExpressApp, type ExpressApp } from './express-shape.mts';
import { interceptFileWrites } from './intercept-fs.mts';
import { declareDeployedApp } from './lambda-filesystem.mts';
import { interceptListen } from './intercept-listen.mts';
import { blockOutboundConnections } from './intercept-network.mts';
import { interceptResponses } from './intercept-responses.mts';
import { interceptTimers } from './intercept-timers.mts';
import { instrumentPackages } from './instrument-packages.mts';
import { loadFindings, loadNotes } from './load-findings.mts';
import { loadingFinished, observed } from './observations.mts';
import { probeRoutes, type ProbeOutcome } from './probe.mts';
import type { AppReport, ChildMessage } from './report-types.mts';
import { listRoutes } from './routes.mts';
import { recordLoadedFiles, scanSources } from './source-scan.mts';

/** What the CLI passes, as JSON in argv[3]. */
export interface ChildOptions {
  readonly factory: string | undefined;
  readonly binaryTypes: string[] | undefined;
  readonly template: string | undefined;
  readonly probes: boolean;
  readonly probeTimeoutMs: number;
  /** How long to wait for an app that only calls listen() after an asynchronous start. */
  readonly listenWaitMs: number;
}

const target = resolve(process.argv[2] ?? '');
const options = JSON.parse(process.argv[3] ?? '{}') as ChildOptions;

function send(message: ChildMessage): void {
  process.send?.(message, () => process.exit(0));
}

let failed = false;

/** Reports the first load failure and exits once it is sent (the CLI kills whatever is left then). */
function failLoading(reason: string): Promise<never> {
  if (!failed) send({ kind: 'load-failed', reason });
  failed = true;
  return new Promise<never>(() => undefined);
}

declareDeployedApp(target);
blockOutboundConnections();
interceptListen();
interceptFileWrites();
interceptTimers();
interceptResponses();
instrumentPackages();
recordLoadedFiles();

let loading = true;
const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  if (loading) void failLoading(`it called process.exit(${code ?? ''}) while loading${lastConnectionHint()}`);
  return realExit(code ?? undefined);
}) as typeof process.exit;
process.on('uncaughtException', (error) => {
  if (loading) void failLoading(describeLoadFailure(error));
});
process.on('unhandledRejection', (error) => {
  if (loading)
    void failLoading(
      `an unhandled promise rejection while loading: ${describeLoadFailure(error).replace(/^it threw at import: /, '')}`,
    );
});
// The CLI went away (killed, or the terminal closed): so does this.
process.on('disconnect', () => realExit(1));

function lastConnectionHint(): string {
  const last = observed.connections.at(-1);
  return last === undefined ? '' : ` (after the doctor refused its connection to ${last.target})`;
}

async function findApp(): Promise<{ app: ExpressApp; foundBy: AppReport['foundBy'] }> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(target).href)) as Record<string, unknown>;
  } catch (error) {
    return failLoading(describeLoadFailure(error));
  }
  if (options.factory !== undefined) {
    const factory =
      namespace[options.factory] ?? (namespace['default'] as Record<string, unknown> | undefined)?.[options.factory];
    if (typeof factory !== 'function')
      return failLoading(`it has no export named ${options.factory} that is a function`);
    const app: unknown = await (factory as () => unknown)();
    if (!isExpressApp(app)) return failLoading(`${options.factory}() did not return an Express app`);
    return { app, foundBy: 'factory' };
  }
  const exported = [namespace['default'], namespace['app'], ...Object.values(namespace)].find(isExpressApp);
  if (exported !== undefined) return { app: exported, foundBy: 'export' };
  // An app that only listens, possibly after an asynchronous start: wait for its listen().
  const deadline = Date.now() + options.listenWaitMs;
  while (Date.now() < deadline) {
    const listened = observed.listens.flatMap((call) => call.server.listeners('request')).find(isExpressApp);
    if (listened !== undefined) return { app: listened, foundBy: 'listen' };
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
  return failLoading(
    `it exports no Express app and did not call listen() within ${options.listenWaitMs} ms${lastConnectionHint()}`,
  );
}

async function main(): Promise<void> {
  const { app, foundBy } = await findApp();
  // Let what the module started at import (a listen callback, a connection attempt) run before taking stock.
  for (let turn = 0; turn < 3; turn += 1) await new Promise((resolveTurn) => setImmediate(resolveTurn));
  loading = false;
  loadingFinished();

  const routes = listRoutes(app);
  const binary = readBinarySettings(options.binaryTypes, options.template);
  const probed: ProbeOutcome = options.probes
    ? await probeRoutes(app, routes, binary, options.probeTimeoutMs)
    : { probes: [], findings: [], notes: [], notProbed: routes };
  const report: AppReport = {
    target,
    expressMajor: expressMajorOf(app),
    foundBy,
    routes,
    findings: [...loadFindings(app), ...scanSources(), ...probed.findings],
    probes: probed.probes,
    notProbed: probed.notProbed,
    binarySettings: binary.description,
    notes: [...loadNotes(), ...probed.notes],
  };
  send({ kind: 'report', report });
}

void main();
