// npm run dev: the local server (`npm start`) in watch mode with pretty logs. A change under src/ or the
// middleware's src/ rebuilds dist/server.js; when the build succeeds the server restarts (a graceful stop,
// which also stops its embedded DynamoDB Local, then a fresh start). A failed build keeps the running server.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { watchSources } from './gateway/artifacts.mts';

const root = resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const log = (line: string): void => {
  process.stderr.write(`dev: ${line}\n`);
};

let server: ChildProcess | undefined;

function startServer(): void {
  server = spawn(
    process.execPath,
    ['--env-file-if-exists=.env', '--enable-source-maps', join(root, 'dist/server.js')],
    {
      cwd: root,
      stdio: 'inherit',
      env: { LOG_FORMAT: 'pretty', ...process.env },
    },
  );
}

function stopServer(): Promise<void> {
  const running = server;
  server = undefined;
  if (running === undefined || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    running.once('exit', () => resolveStop());
    running.kill('SIGTERM');
  });
}

async function build(): Promise<boolean> {
  try {
    await run(process.execPath, [join(root, 'scripts/build.mts'), 'local'], { cwd: root });
    return true;
  } catch (error) {
    log(
      `build failed, the server keeps running the previous build:\n${(error as { stderr?: string }).stderr ?? String(error)}`,
    );
    return false;
  }
}

let restarting = Promise.resolve();
const stopWatching = watchSources([join(root, 'src'), join(root, 'layers/middleware/src')], () => {
  restarting = restarting.then(async () => {
    if (!(await build())) return;
    log('sources changed: restarting the server');
    await stopServer();
    startServer();
  });
});

// npm does not forward SIGTERM to its script; both signals stop the server gracefully, then this process.
let stopping = false;
const stop = (): void => {
  if (stopping) process.exit(1);
  stopping = true;
  stopWatching();
  void stopServer().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

if (await build()) startServer();
else process.exit(1);
