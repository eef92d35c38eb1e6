import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A PID alone does not name a process for long: after a crash and a reboot (or just enough time) the same
 * number belongs to an unrelated process, and a dead child stays visible as a zombie until reaped. A PID
 * plus its start stamp does: the same PID with another start stamp is another process.
 */

/**
 * The start stamp of process `pid` while it runs: `undefined` when no such process runs (gone, or a zombie),
 * `null` when this platform cannot tell (Windows), and the caller must fall back to the PID alone.
 */
export function processStartStamp(pid: number): string | undefined | null {
  if (process.platform === 'linux') return linuxStartStamp(pid);
  if (process.platform === 'win32') return null;
  return psStartStamp(pid);
}

// /proc/<pid>/stat: "pid (comm) state ... starttime ...", where comm may contain spaces and parentheses, so
// fields are counted after the last ')'. state is field 3, starttime (clock ticks since boot) field 22. The
// boot id makes the stamp unique across reboots.
function linuxStartStamp(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTicks = fields[19];
  if (state === undefined || startTicks === undefined || state === 'Z' || state === 'X') return undefined;
  return `${bootId()}:${startTicks}`;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

// macOS and the BSDs: `ps` prints the state and the full start time (to the second) of one process.
function psStartStamp(pid: number): string | undefined | null {
  let output: string;
  try {
    output = execFileSync('ps', ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    // ps exits 1 when no such process exists; without ps at all, the caller falls back to the PID.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : undefined;
  }
  const [state, ...start] = output.trim().split(/\s+/);
  if (state === undefined || state === '' || state.startsWith('Z')) return undefined;
  return start.join(' ');
}
