import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { AppReport } from '../../scripts/doctor/report-types.mts';

export const PROJECT_DIR = resolve(__dirname, '../..');
export const FIXTURES_DIR = join(PROJECT_DIR, 'tests/fixtures/doctor');
const CLI = join(PROJECT_DIR, 'scripts/doctor/cli.mts');

export interface DoctorRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type JsonReport = AppReport & { readonly exitCode: number };

/** Runs `npm run doctor -- <args>` as a user would (the CLI on this Node), from the project folder. */
export function runDoctor(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<DoctorRun> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: PROJECT_DIR, env, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolveRun({ exitCode, stdout, stderr });
      },
    );
  });
}

/** The doctor's --json report for a fixture (short time limits: the fixtures load in well under a second). */
export async function doctorReport(
  fixture: string,
  ...args: string[]
): Promise<{ run: DoctorRun; report: JsonReport }> {
  const run = await runDoctor([
    join(FIXTURES_DIR, fixture),
    '--json',
    '--timeout',
    '8000',
    '--probe-timeout',
    '1500',
    ...args,
  ]);
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}

/** Runs `task` over `items`, at most `limit` at a time (the machine has two cores). */
export async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  // One shared iterator: each worker takes the next item, so at most `limit` run at once.
  const queue = items.entries();
  const worker = async (): Promise<void> => {
    for (const [index, item] of queue) results[index] = await task(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
