/** Console output helpers for the demo: headings, indented lines and the closing summary table. */

/** What one chapter of the demo reports for the summary table. */
export interface ChapterResult {
  readonly chapter: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

/** Prints a chapter heading. */
export function heading(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
}

/** Prints one indented line of the story. */
export function say(line: string): void {
  console.log(`   ${line}`);
}

/** Prints the closing table: one row per chapter with its counts and duration. */
export function printSummary(results: readonly ChapterResult[]): void {
  heading('Summary');
  const rows = results.map((r) => [r.chapter, Object.entries(r.counts).map(([k, v]) => `${k}=${v}`).join(' '), `${r.durationMs.toFixed(1)} ms`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['chapter', 'counts', 'time'][i]!.length));
  const line = (cells: string[]) => `   ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  |  ')}`;
  console.log(line(['chapter', 'counts', 'time']));
  console.log(`   ${widths.map((w) => '-'.repeat(w)).join('--+--')}`);
  for (const row of rows) console.log(line(row));
}
