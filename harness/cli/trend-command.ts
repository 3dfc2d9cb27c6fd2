import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { readHistory } from '../report/trend/read-history.ts';
import { buildTrends } from '../report/trend/trend-figures.ts';
import { renderTrendHtml } from '../report/trend/trend-html.ts';
import { writeReportFile } from '../report/write-report-file.ts';
import { EXIT } from './exit-codes.ts';

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/**
 * `upgrade-harness trend DIR --out OUT`: trend.html over the runs kept in DIR. A report, not a
 * gate: it exits 0 whatever the runs' verdicts were.
 */
export async function trendCommand(dir: string, options: { out: string }): Promise<number> {
  const history = await readHistory(dir);
  for (const skipped of history.skipped) process.stderr.write(`warning: ${skipped.why}; skipped\n`);
  if (history.runs.length === 0) {
    const why = history.skipped.length ? `; ${plural(history.skipped.length, 'file was', 'files were')} skipped (see the warnings above)` : '';
    throw new ConfigError(
      `${dir} holds no readable results.json: expected DIR/results.json, DIR/<run>/results.json or DIR/<folder>/<run>/results.json${why}`,
      [],
      'give the folder that holds the earlier runs, each run folder as `run --out` wrote it',
    );
  }
  const trends = buildTrends(history.runs);
  const target = await writeReportFile(resolve(options.out), 'trend.html', renderTrendHtml(trends, dir));
  const cellKeys = trends.reduce((sum, trend) => sum + trend.cells.length, 0);
  // Different matrices are never mixed; the line says so, so a CI log does not read them as one series.
  const matrices = trends.length > 1 ? ` (${trends.length} matrices, each shown on its own: ${trends.map((trend) => `${trend.matrix} ${plural(trend.runs.length, 'run')}`).join(', ')})` : '';
  process.stdout.write(`trend: read ${plural(history.runs.length, 'run')} and ${plural(cellKeys, 'cell key')} from ${dir}${matrices}; wrote ${target}\n`);
  return EXIT.passed;
}
