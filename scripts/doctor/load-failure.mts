// One line that says why the app could not be loaded: the error's name and first message line, and where in
// the app's code it was thrown. Never the stack.
import { relative } from 'node:path';
import { appCallSite } from './call-site.mts';

export function describeLoadFailure(error: unknown): string {
  if (!(error instanceof Error)) return `it threw ${JSON.stringify(error) ?? String(error)} while loading`;
  const code = (error as NodeJS.ErrnoException).code;
  const firstLine = (error.message.split('\n')[0] ?? '').trim();
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    // "Cannot find package 'x' imported from /app/routes.js" / "Cannot find module 'x'" + a require stack.
    const requiredBy = /Require stack:\n- (.+)/.exec(error.message)?.[1];
    return `${firstLine.replace(/\.$/, '')}${requiredBy === undefined ? '' : ` (required by ${relative(process.cwd(), requiredBy)})`}: is it installed (npm install)?`;
  }
  if (error instanceof SyntaxError) {
    // CommonJS puts the file and line on the first line of the stack.
    const where = /^(\/[^\n]+:\d+)\n/.exec(error.stack ?? '')?.[1] ?? appCallSite(error.stack);
    return `SyntaxError: ${firstLine}${where === undefined ? '' : ` (${where})`}`;
  }
  const where = appCallSite(error.stack);
  return `it threw at import: ${error.name}: ${firstLine}${where === undefined ? '' : ` (${where})`}`;
}
