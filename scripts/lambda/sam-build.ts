import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { isObject, objectAt, type JsonObject } from '../cloudformation.mts';

// The project's root: CodeUri and ContentUri are relative to the template, which lives there.
const PROJECT_ROOT = resolve(__dirname, '../..');

const run = promisify(execFile);

/** Where SAM would put a resource's build: Lambda's names for them (/var/task for code, /opt for layers). */
export interface BuiltArtifacts {
  /** The function's code, as Lambda unpacks it to /var/task. */
  readonly task: string;
  /** The layer's content, as Lambda unpacks it to /opt. */
  readonly opt: string;
}

/**
 * Builds every `BuildMethod: makefile` resource of the template the way `sam build` does (aws-lambda-builders'
 * CustomMakeBuilder): `make --makefile <CodeUri or ContentUri>/Makefile build-<LogicalId>`, with ARTIFACTS_DIR
 * in the environment and the working directory elsewhere (SAM uses a scratch copy of the source; an empty
 * folder is stricter). The function lands in `<dir>/task`, the layer in `<dir>/opt`.
 */
export async function samBuild(
  template: JsonObject,
  dir: string,
  extraEnv: Record<string, string> = {},
): Promise<BuiltArtifacts> {
  const targets: { logicalId: string; codeUri: string; artifactsDir: string }[] = [];
  for (const [logicalId, resource] of Object.entries(objectAt(template, 'Resources'))) {
    if (!isObject(resource) || !isObject(resource['Metadata']) || resource['Metadata']['BuildMethod'] !== 'makefile')
      continue;
    const properties = objectAt(resource, 'Properties');
    const codeUri = properties['CodeUri'] ?? properties['ContentUri'];
    if (typeof codeUri !== 'string') throw new Error(`${logicalId} has no local CodeUri/ContentUri`);
    const kind = resource['Type'] === 'AWS::Serverless::LayerVersion' ? 'opt' : 'task';
    targets.push({ logicalId, codeUri, artifactsDir: join(dir, kind) });
  }

  const scratch = mkdtempSync(join(tmpdir(), 'lambdalith-sam-scratch-'));
  try {
    await Promise.all(
      targets.map(async ({ logicalId, codeUri, artifactsDir }) => {
        const makefile = join(resolve(PROJECT_ROOT, codeUri), 'Makefile');
        if (!existsSync(makefile))
          throw new Error(`sam build would find no Makefile for ${logicalId}: ${makefile} is missing`);
        mkdirSync(artifactsDir, { recursive: true });
        await run('make', ['--makefile', makefile, `build-${logicalId}`], {
          cwd: scratch,
          env: { ...process.env, ...extraEnv, ARTIFACTS_DIR: artifactsDir },
        });
      }),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { task: join(dir, 'task'), opt: join(dir, 'opt') };
}
