// The built function and layer, in Lambda's layout OUTSIDE the checkout (`task/` for /var/task, `opt/` for
// /opt): inside it, Node would find the project's node_modules before NODE_PATH and hide a layer that lacks a
// package. Built with the project's build (scripts/build.mts) and rebuilt when a source changes.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Artifacts {
  /** LAMBDA_TASK_ROOT: the function's code. */
  readonly task: string;
  /** The layers' content, as unpacked to /opt. */
  readonly opt: string;
}

export class ArtifactStore {
  readonly dir = mkdtempSync(join(tmpdir(), 'lambdalith-gateway-'));
  private generation = 0;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Builds the function and the layer from source into a new generation. */
  async build(): Promise<Artifacts> {
    const artifacts = this.next();
    await run(
      process.execPath,
      [
        join(this.root, 'scripts/build.mts'),
        'function',
        'layer',
        '--out-function',
        artifacts.task,
        '--out-layer',
        artifacts.opt,
      ],
      { cwd: this.root },
    );
    return artifacts;
  }

  /** Copies already built artifacts (e.g. dist/function and dist/layer) into a new generation. */
  copy(functionDir: string, layerDir: string): Artifacts {
    for (const dir of [functionDir, layerDir])
      if (!existsSync(dir)) throw new Error(`${dir} does not exist; run npm run build`);
    const artifacts = this.next();
    cpSync(functionDir, artifacts.task, { recursive: true });
    cpSync(layerDir, artifacts.opt, { recursive: true });
    return artifacts;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private next(): Artifacts {
    this.generation += 1;
    const base = join(this.dir, String(this.generation));
    return { task: join(base, 'task'), opt: join(base, 'opt') };
  }
}

/** Calls `onChange` (debounced) when a file under one of `dirs` changes. Returns the stop function. */
export function watchSources(dirs: readonly string[], onChange: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = dirs
    .filter((dir) => existsSync(dir))
    .map((dir) =>
      watch(dir, { recursive: true }, () => {
        clearTimeout(timer);
        timer = setTimeout(onChange, 200);
      }),
    );
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
