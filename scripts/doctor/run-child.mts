// Runs the check in a child process of its own process group, with a time limit. On timeout, and after the
// report arrives, the whole group is killed: whatever the app started at import (a server it spawned, a
// database process) goes with it, and no port was ever opened in the first place.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ChildOptions } from './child.mts';
import type { ChildMessage } from './report-types.mts';

export async function runChild(target: string, options: ChildOptions, timeoutMs: number): Promise<ChildMessage> {
  const child = spawn(
    process.execPath,
    ['--no-warnings', join(import.meta.dirname, 'child.mts'), target, JSON.stringify(options)],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  // What the app prints is its own business; kept only to explain a silent exit.
  let stderrTail = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2_000);
  });

  const killGroup = (): void => {
    // No pid: spawning failed, so there is no group to kill.
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  try {
    return await new Promise<ChildMessage>((resolveMessage) => {
      const timer = setTimeout(() => {
        resolveMessage({
          kind: 'load-failed',
          reason: `it did not finish loading and being checked within ${timeoutMs} ms, so the doctor stopped it (does it block at import, or wait for a connection the doctor refuses? --timeout sets the limit)`,
        });
      }, timeoutMs);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        resolveMessage(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const lastLine = stderrTail.trim().split('\n').at(-1);
        resolveMessage({
          kind: 'load-failed',
          reason: `the check process ended (${signal ?? `exit code ${code}`}) before reporting${lastLine === undefined || lastLine === '' ? '' : `; last output: ${lastLine.slice(0, 200)}`}`,
        });
      });
    });
  } finally {
    killGroup();
  }
}
