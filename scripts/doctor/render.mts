// The human-readable report. Findings are grouped by severity; each says how the doctor knows (static, at
// load, or from a probe request) and what to change.
import { relative } from 'node:path';
import type { AppReport, Finding } from './report-types.mts';

const evidenceLabel: Record<Finding['evidence'], string> = {
  static: 'found in the source',
  load: 'seen while loading',
  request: 'seen serving a probe request',
};

export function renderReport(report: AppReport): string {
  const lines: string[] = [];
  const found = { export: 'exported app', listen: 'app given to listen()', factory: 'app from the factory' }[
    report.foundBy
  ];
  lines.push(
    `lambdalith doctor: ${relative(process.cwd(), report.target) || report.target} (Express ${report.expressMajor}, ${found})`,
    '',
  );
  lines.push(`Routes (${report.routes.length})`);
  for (const route of report.routes) lines.push(`  ${route.method.padEnd(7)} ${route.path}`);
  if (report.routes.length === 0) lines.push('  (none)');
  lines.push('');

  const errors = report.findings.filter((finding) => finding.severity === 'error');
  const warnings = report.findings.filter((finding) => finding.severity === 'warning');
  if (report.findings.length === 0) lines.push('No Lambda hazards found.');
  else lines.push(`Lambda hazards: ${errors.length} error(s), ${warnings.length} warning(s)`);
  for (const finding of [...errors, ...warnings]) {
    lines.push(
      '',
      `  ${finding.severity.toUpperCase()} ${finding.hazard} (${evidenceLabel[finding.evidence]}${finding.request === undefined ? '' : `: ${finding.request}`})`,
    );
    lines.push(
      `    ${finding.message}${finding.location === undefined || finding.message.includes(finding.location) ? '' : ` at ${finding.location}`}`,
    );
    lines.push(`    Fix: ${finding.fix}`);
  }
  lines.push('');

  const probed = report.probes.map((probe) => `${probe.request} → ${probe.status ?? 'no answer'}`);
  lines.push(
    probed.length === 0
      ? 'Probes: none sent (static and load-time checks only).'
      : `Probes (in process, through serverless-express, no port): ${probed.join(', ')}`,
  );
  if (report.notProbed.length > 0) {
    lines.push(
      `Not probed (only GET routes are called; the others are checked statically and at load): ${report.notProbed.map((route) => `${route.method} ${route.path}`).join(', ')}`,
    );
  }
  lines.push(`Binary settings: ${report.binarySettings}`);
  for (const note of report.notes) lines.push(`Note: ${note.message}`);
  return `${lines.join('\n')}\n`;
}

/** 0 clean, 1 warnings only, 2 errors. */
export function exitCodeOf(report: AppReport): 0 | 1 | 2 {
  if (report.findings.some((finding) => finding.severity === 'error')) return 2;
  return report.findings.length > 0 ? 1 : 0;
}
