import { chmodSync, lstatSync, mkdirSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * DATA_DIR holds everyone's password hashes (DynamoDB Local's files) and the development signing secret, so
 * it is the owner's alone: folders 0700, files 0600. Folders and files created before this rule (0755 and
 * 0644 by the usual umask) are tightened when a local process starts on them. On Windows, where these modes
 * mean nothing, every function here only creates folders.
 */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A folder that others may read or enter, and that this process may not make private. */
export class SharedDataDirError extends Error {
  constructor(directory: string) {
    super(
      `${directory} can be read by other users and belongs to someone else, so it cannot be made private. ` +
        'It would hold password hashes and the signing secret: set DATA_DIR to a folder of your own.',
    );
    this.name = 'SharedDataDirError';
  }
}

/** Creates `directory` (and missing parents) with mode 0700, or tightens an existing one of ours to 0700. */
export function ensurePrivateDirectory(directory: string): void {
  mkdirSync(directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  tighten(directory, lstatSync(directory), PRIVATE_DIRECTORY_MODE);
}

/** Tightens every file (0600) and folder (0700) under `directory`, which must exist. Symbolic links are left alone. */
export function tightenTree(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      tighten(path, lstatSync(path), PRIVATE_DIRECTORY_MODE);
      tightenTree(path);
    } else if (entry.isFile()) {
      tighten(path, lstatSync(path), PRIVATE_FILE_MODE);
    }
  }
}

/** Makes the existing file `path` 0600 (a file created earlier keeps its mode through a rewrite). */
export function ensurePrivateFile(path: string): void {
  tighten(path, lstatSync(path), PRIVATE_FILE_MODE);
}

function tighten(path: string, stats: Stats, mode: number): void {
  if (process.platform === 'win32' || (stats.mode & 0o077) === 0) return;
  if (stats.uid !== process.getuid?.()) throw new SharedDataDirError(path);
  chmodSync(path, mode);
}
