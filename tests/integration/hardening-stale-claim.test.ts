import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDataDir, findDataDirHolder, runningDynamoDbFile } from '../../src/local/data-dir-claim';

// A claim names the PID of the server (or create-admin) holding DATA_DIR's database. These tests leave
// claims behind the way a crash does, pointing at PIDs that are running but are not that holder.

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'lambdalith-claim-'));
}

/** An unrelated process (not a lambdalith server) that keeps running. */
function unrelatedProcess(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  started.push(child);
  if (child.pid === undefined) throw new Error('could not start sleep');
  return child.pid;
}

/** A process that will not be reaped when it dies (its parent execs into `sleep`, which never waits). */
async function unreapedProcess(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(parent);
  if (parent.stdout === null) throw new Error('no stdout');
  const [firstChunk] = (await once(parent.stdout, 'data')) as [Buffer];
  // Until the shell has exec'd into `sleep`, the shell itself may still reap its child: wait for the exec.
  for (let attempt = 0; attempt < 200 && processCommand(parent.pid) !== 'sleep'; attempt += 1) {
    await new Promise((resolveLater) => setTimeout(resolveLater, 10));
  }
  expect(processCommand(parent.pid)).toBe('sleep');
  return Number(String(firstChunk).trim());
}

function processCommand(pid: number | undefined): string {
  try {
    return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return 'gone';
  }
}

function processState(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return 'gone';
  }
}

async function untilZombie(pid: number): Promise<void> {
  // SIGKILL is delivered asynchronously: poll the state (bounded) rather than guess a delay.
  for (let attempt = 0; attempt < 200 && !processState(pid).startsWith('Z'); attempt += 1) {
    await new Promise((resolveLater) => setTimeout(resolveLater, 10));
  }
  expect(processState(pid)).toMatch(/^Z/);
}

describe('claimDataDir after a crash', () => {
  it('takes over a claim whose PID now belongs to an unrelated running process (PID reused after a reboot)', () => {
    // Arrange: the claim of a server that ran before the reboot; its PID now runs something else
    const dataDir = freshDataDir();
    const reusedPid = unrelatedProcess();
    writeFileSync(
      runningDynamoDbFile(dataDir),
      JSON.stringify({ pid: reusedPid, started: 'the start of the process before the reboot' }),
    );

    // Act
    const holderBefore = findDataDirHolder(dataDir);
    const claim = claimDataDir(dataDir);

    // Assert
    expect(holderBefore).toBeUndefined();
    expect(claim).toBeDefined();
    expect(findDataDirHolder(dataDir)).toEqual({ pid: process.pid });
    claim?.release();
  });

  it('takes over a claim that names only a PID (an earlier version wrote it) now running an unrelated process', () => {
    // Arrange
    const dataDir = freshDataDir();
    writeFileSync(runningDynamoDbFile(dataDir), JSON.stringify({ pid: unrelatedProcess() }));

    // Act
    const claim = claimDataDir(dataDir);

    // Assert
    expect(claim).toBeDefined();
    claim?.release();
  });

  it('takes over a claim whose holder died but was never reaped (a zombie)', async () => {
    // Arrange: the holder claims while it runs, then dies unreaped
    const dataDir = freshDataDir();
    const holderPid = await unreapedProcess();
    expect(claimDataDir(dataDir, holderPid)).toBeDefined();
    expect(findDataDirHolder(dataDir)).toEqual({ pid: holderPid });
    process.kill(holderPid, 'SIGKILL');
    await untilZombie(holderPid);

    // Act
    const claim = claimDataDir(dataDir);

    // Assert
    expect(claim).toBeDefined();
    claim?.release();
  });

  it('still refuses a claim whose holder is running', () => {
    // Arrange
    const dataDir = freshDataDir();
    const holderPid = unrelatedProcess();
    const holderClaim = claimDataDir(dataDir, holderPid);

    // Act
    const claim = claimDataDir(dataDir);

    // Assert
    expect(holderClaim).toBeDefined();
    expect(claim).toBeUndefined();
    expect(findDataDirHolder(dataDir)).toEqual({ pid: holderPid });
  });
});
