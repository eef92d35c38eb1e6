// npm run doctor -- <module exporting an Express app> [options]
//
// Loads an Express app without serving it and reports what will break or leak when it runs in Lambda.
// Exit code 0: no hazard; 1: warnings only; 2: errors, or the app could not be loaded (or bad usage).
//
//   --json                 the report as JSON on stdout
//   --factory NAME         call this export (no arguments, may be async) to get the app
//   --timeout MS           limit for loading and checking the app (default 10000); the check is killed after it
//   --probe-timeout MS     limit for each probe request (default 2000)
//   --no-probes            no requests: static and load-time checks only
//   --binary-types LIST    serverless-express binarySettings.contentTypes, comma-separated (default: its
//                          defaults, image/*, as src/lambda.ts uses)
//   --template FILE        SAM template to read REST API BinaryMediaTypes from (default: ./template.yaml if any)
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildOptions } from './child.mts';
import { exitCodeOf, renderReport } from './render.mts';
import { runChild } from './run-child.mts';

const USAGE =
  'usage: npm run doctor -- <module exporting an Express app> [--json] [--factory NAME] [--timeout MS] [--probe-timeout MS] [--no-probes] [--binary-types LIST] [--template FILE]';

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new UsageError(`${name} must be a positive number of milliseconds, not ${value}`);
  return parsed;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    allowNegative: true,
    options: {
      json: { type: 'boolean', default: false },
      factory: { type: 'string' },
      timeout: { type: 'string' },
      'probe-timeout': { type: 'string' },
      probes: { type: 'boolean', default: true },
      'binary-types': { type: 'string' },
      template: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [entry] = positionals;
  if (positionals.length !== 1 || entry === undefined) throw new UsageError(USAGE);
  // `npm run` starts scripts in the project folder; paths on the command line are relative to where it was typed.
  const invokedFrom = process.env['INIT_CWD'] ?? process.cwd();
  const target = resolve(invokedFrom, entry);
  const fail = (reason: string): number => {
    if (values.json) process.stdout.write(`${JSON.stringify({ target, error: reason }, null, 2)}\n`);
    else process.stderr.write(`doctor: cannot load ${entry}: ${reason}\n`);
    return 2;
  };
  if (!existsSync(target)) return fail('no such file');

  const template =
    values.template === undefined
      ? existsSync('template.yaml')
        ? 'template.yaml'
        : undefined
      : resolve(invokedFrom, values.template);
  const options: ChildOptions = {
    factory: values.factory,
    binaryTypes: values['binary-types']
      ?.split(',')
      .map((type) => type.trim())
      .filter((type) => type !== ''),
    template: template === undefined ? undefined : resolve(template),
    probes: values.probes,
    probeTimeoutMs: positiveInteger(values['probe-timeout'], 2_000, '--probe-timeout'),
    listenWaitMs: 2_000,
  };
  const message = await runChild(target, options, positiveInteger(values.timeout, 10_000, '--timeout'));
  if (message.kind === 'load-failed') return fail(message.reason);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...message.report, exitCode: exitCodeOf(message.report) }, null, 2)}\n`
      : renderReport(message.report),
  );
  return exitCodeOf(message.report);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`doctor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
