// What every benchmark module of `npm run bench` (scripts/bench.mts) exports, and the small statistics
// they share. A new benchmark is a module under scripts/bench/ exporting `bench: Bench`, plus one line in
// the registry of scripts/bench.mts.

/** What the runner hands a benchmark. */
export interface BenchContext {
  /** A few iterations only: proves every figure is produced (CI), says nothing about the figures. */
  readonly smoke: boolean;
  /** The command line after the benchmark names, for the module's own options (parse with strict: false). */
  readonly args: readonly string[];
  /** One line of progress on stderr (stdout carries the results). */
  readonly progress: (line: string) => void;
}

/** What a benchmark hands back. */
export interface BenchReport {
  /** The figures, as written to bench/results.json under the benchmark's name. */
  readonly results: Record<string, unknown>;
  /** A Markdown table (with a line of context) for BENCHMARKS.md and the terminal. */
  readonly markdown: string;
}

export interface Bench {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchReport>;
}

/** The value at quantile `q` (0..1) by the nearest-rank method: a value that was measured, never interpolated. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Rounds to `digits` decimals, for JSON that stays readable. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A Markdown table; numbers are right-aligned by the renderer, so plain cells suffice. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
