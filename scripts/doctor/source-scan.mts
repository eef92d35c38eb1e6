// Static checks over the app's own source: every file Node loaded for it (require or import) outside
// node_modules. These read code, so they also cover routes the probes never call.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDependency } from './call-site.mts';
import { hazards } from './hazards.mts';
import type { Finding } from './report-types.mts';

const loadedFiles = new Set<string>();
const doctorDir = import.meta.dirname;

export function recordLoadedFiles(): void {
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) {
        const file = fileURLToPath(url);
        if (!isDependency(file) && !file.startsWith(doctorDir + sep)) loadedFiles.add(file);
      }
      return nextLoad(url, context);
    },
  });
}

interface SourceRule {
  readonly hazard: Finding['hazard'];
  readonly pattern: RegExp;
  readonly describe: (line: string, context: string) => { message: string; severity?: Finding['severity'] };
}

const rules: readonly SourceRule[] = [
  {
    hazard: 'api-gateway-event-header',
    // The headers aws-serverless-express (v3) added, and the req.apiGateway it attached.
    pattern: /x-apigateway-(event|context)|\bapiGateway\s*\??\.\s*(event|context)\b/i,
    describe: (line) => ({
      message: `reads the API Gateway event from a request header or req.apiGateway: ${line.trim().slice(0, 100)}`,
    }),
  },
  {
    hazard: 'current-invoke-identity',
    pattern: /\bgetCurrentInvoke\s*\(/,
    describe: (line, context) =>
      // Taking identity (authorizer claims, caller) from the process-wide invoke mixes users up: an error.
      /authorizer|identity|claims|principal|cognito|\buser/i.test(context)
        ? {
            message: `takes identity from getCurrentInvoke(), which concurrent invocations share: ${line.trim().slice(0, 100)}`,
            severity: 'error',
          }
        : { message: `uses getCurrentInvoke(), which concurrent invocations share: ${line.trim().slice(0, 100)}` },
  },
];

export function scanSources(): Finding[] {
  const findings: Finding[] = [];
  for (const file of [...loadedFiles].sort()) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (/^\s*(\/\/|\*)/.test(line)) return; // a comment
      for (const rule of rules) {
        if (!rule.pattern.test(line)) continue;
        const { message, severity } = rule.describe(line, lines.slice(index, index + 4).join('\n'));
        findings.push({
          hazard: rule.hazard,
          severity: severity ?? hazards[rule.hazard].severity,
          evidence: 'static',
          message,
          fix: hazards[rule.hazard].fix,
          location: `${relative(process.cwd(), file)}:${index + 1}`,
        });
      }
    });
  }
  return findings;
}
